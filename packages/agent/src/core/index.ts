export { Agent } from './agent.js';
export { DEFAULT_BACKOFF, fullJitter } from './backoff.js';
export type { BackoffOptions } from './backoff.js';
export { Emitter } from './emitter.js';
export type {
  Clock,
  CloseReason,
  Connection,
  DeviceCredentials,
  Keystore,
  OutboxRecord,
  OutboxStorage,
  OutboxTopic,
  Random,
  TimerHandle,
  Transport,
} from './platform.js';
export { mathRandom, seededRandom } from './random.js';
export { ConnectRefused, PublishRefused, REASON, connectRefusal } from './refusals.js';
export type { AgentEvents, AgentOptions, AgentState, AgentStats, StateDetail } from './types.js';
