// Secure boot: A/B slots, verification at every boot, anti-rollback, test/confirm/revert.
export { Bootloader } from './bootloader.js';
export type { BootMode, BootResult, BootStatus, BootloaderOptions } from './bootloader.js';
export { BOOTLOADER_ERRORS, bootError } from './errors.js';
export type { BootloaderErrorCode } from './errors.js';
export { FileSlotStorage, SLOT_FILES } from './file-storage.js';
export type { WriteStep } from './file-storage.js';
export { MemorySlotStorage } from './memory-storage.js';
export { ROOT_OF_TRUST_FILE, loadRootOfTrust, provisionRootOfTrust } from './root-of-trust.js';
export { INITIAL_STATE, otherSlot } from './storage.js';
export type { BootState, SlotName, SlotStorage } from './storage.js';
