export { enrollDevice, reenrollDevice, DEVICE_FILES } from './enroll/index.js';
export type { EnrollOptions, EnrollResult, ReenrollOptions } from './enroll/index.js';
export { AGENT_ERRORS, agentError } from './errors.js';
export type { AgentErrorCode } from './errors.js';
export {
  Agent,
  ConnectRefused,
  DEFAULT_BACKOFF,
  Emitter,
  PublishRefused,
  REASON,
  connectRefusal,
  fullJitter,
  mathRandom,
  seededRandom,
} from './core/index.js';
export type {
  AgentEvents,
  AgentOptions,
  AgentState,
  AgentStats,
  BackoffOptions,
  Clock,
  CloseReason,
  Connection,
  DeviceCredentials,
  Keystore,
  OutboxRecord,
  OutboxStorage,
  OutboxTopic,
  Random,
  StateDetail,
  TimerHandle,
  Transport,
} from './core/index.js';
export { BoundedOutbox, DEFAULT_OUTBOX_LIMITS } from './outbox/index.js';
export type { OutboxLimits } from './outbox/index.js';
export { CommandRegistry } from './commands/index.js';
export type { CommandContext, CommandHandler, CommandReply } from './commands/index.js';
export type { MetricsSource, MetricValue } from './metrics/index.js';
export { FakeClock, FakeConnection, FakeTransport, MemoryKeystore, MemoryOutbox, settle } from './fakes/index.js';
export type { ConnectOutcome, Published } from './fakes/index.js';
export * from './bootloader/index.js';
export {
  FileKeystore,
  FileOutbox,
  MqttTransport,
  ProcMetrics,
  createNodeAgent,
  defaultMqttUrl,
  systemClock,
  validityOf,
} from './node/index.js';
export type { MqttTransportOptions, NodeAgentOptions } from './node/index.js';
export * from './updater/index.js';
export * from './ota/index.js';
