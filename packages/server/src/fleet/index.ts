export { countDevices, getDevice, listDevices } from './devices.js';
export type { DeviceCertificate, DeviceDetail, DeviceFilter, DeviceSummary } from './devices.js';
export { FLEET_ERRORS, fleetError } from './errors.js';
export { fleetRoutes } from './routes.js';
export type { DeviceAction, DeviceActionHook } from './routes.js';
export { watchDeviceStates } from './state-watch.js';
export type { DeviceStateWatch } from './state-watch.js';
