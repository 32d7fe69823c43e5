export { Fleet } from './fleet.js';
export type { FleetOptions } from './fleet.js';
export type { BehaviorContext, DeviceBehavior, FleetHooks } from './behavior.js';
export type { DeviceOta, FleetOta } from './ota.js';
export { certificateValidity, renewer } from './renew.js';
