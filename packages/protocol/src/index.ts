export {
  FleetwardError,
  FAULT_STATUS,
  PROTOCOL_ERRORS,
  errorFactory,
  isFleetwardError,
  protocolError,
} from './errors.js';
export type { ErrorCatalogue, ErrorSpec, Fault, ProtocolErrorCode } from './errors.js';
export {
  DEVICE_ID_PATTERN,
  MODEL_PATTERN,
  assertDeviceId,
  deviceIdFromUrn,
  deviceUrn,
  isDeviceId,
  isModelName,
} from './ids.js';
export { DEVICE_PUBLISH_KINDS, SERVER_PUBLISH_KINDS, parseDeviceTopic, topics } from './topics.js';
export type { DevicePublishKind, ParsedTopic, ServerPublishKind } from './topics.js';
export { parseTelemetry, TELEMETRY_LIMITS } from './telemetry.js';
export type { TelemetryRecord, TelemetryValue } from './telemetry.js';
export * from './firmware/index.js';
