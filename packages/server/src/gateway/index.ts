export { createGateway } from './gateway.js';
export type { Gateway } from './gateway.js';
export type {
  AuthenticatedDevice,
  CrlInput,
  GatewayHooks,
  GatewayLimits,
  GatewayOptions,
  GatewayTls,
  PublishOptions,
  PublishResult,
} from './types.js';
export { DEFAULT_LIMITS } from './types.js';
export type { DeviceCounters, GatewayCounters, GatewayStats, RefusedCounters } from './counters.js';
export { GATEWAY_ERRORS, gatewayError } from './errors.js';
export type { GatewayErrorCode } from './errors.js';
