export { currentConsents, listReceipts, recordConsent } from './consents.js';
export type { ConsentChange, ConsentEnv } from './consents.js';
export { assignDevice, createOwner, getOwner, listOwners, ownedDevices, ownerTarget } from './owners.js';
export type { NewOwner, Owner } from './owners.js';
export { permission, profileFor, REGION_PATTERN, REGION_PROFILES } from './profiles.js';
export type { ConsentProfile, ConsentState, Permission } from './profiles.js';
export type { ConsentReceipt } from './receipt.js';
