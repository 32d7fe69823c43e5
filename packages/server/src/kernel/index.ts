export { FixedClock, systemClock } from './clock.js';
export type { Clock } from './clock.js';
export { FleetEvents } from './events.js';
export type { DeviceState, FleetEventMap } from './events.js';
export { silentLogger } from './context.js';
export type { Context, Logger } from './context.js';
export { randomId, randomSecret } from './random.js';
export type { AuditEntry, AuditLog } from './audit.js';
