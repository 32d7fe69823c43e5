export { createNodeAgent, defaultMqttUrl } from './create.js';
export type { NodeAgentOptions } from './create.js';
export { FileKeystore, validityOf } from './file-keystore.js';
export { FileOutbox } from './file-outbox.js';
export { MqttTransport } from './mqtt-transport.js';
export type { MqttTransportOptions } from './mqtt-transport.js';
export { systemClock } from './system-clock.js';
export { ProcMetrics } from './proc-metrics.js';
