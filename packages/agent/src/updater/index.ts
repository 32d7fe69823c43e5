// The updater: TUF client (tuf-js) over the pinned HTTPS channel, then the MCUboot signature check.
export { UPDATER_ERRORS, updaterError } from './errors.js';
export type { UpdaterErrorCode } from './errors.js';
export { classifyTufError } from './classify.js';
export { PinnedFetcher } from './fetcher.js';
export type { TargetClaims } from './select.js';
export { FirmwareUpdater, checkForUpdate, provisionTrustedRoot } from './updater.js';
export type { CheckOptions, UpdaterOptions, VerifiedUpdate } from './updater.js';
