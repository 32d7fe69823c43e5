// The OTA loop: updater (TUF + image signature) → bootloader (install, test boot, confirm/revert), reported.
export { OTA_ERRORS, otaError } from './errors.js';
export type { OtaErrorCode } from './errors.js';
export { FileOtaJournal, MemoryOtaJournal } from './journal.js';
export type { OtaJob, OtaJournal } from './journal.js';
export { OtaLoop } from './loop.js';
export type { HealthCheck, OtaLoopOptions, OtaStatus, OtaStep, UpdateSource } from './loop.js';
