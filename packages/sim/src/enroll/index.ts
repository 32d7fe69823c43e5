export { enrollFleet } from './enroll-fleet.js';
export type { EnrollFleetOptions, SimDevice } from './enroll-fleet.js';
export { deviceDir, loadCached, simDeviceId } from './cache.js';
export type { SimCredentials } from './cache.js';
export { forEachLimited } from './pool.js';
