// @fleetward/sim: many agents in one process, for demos, tests and benchmarks.
export {
  MODELS,
  MODEL_NAMES,
  modelFor,
  mulberry32,
  deviceSeed,
  camera,
  industrialSensor,
  smartPlug,
  thermostat,
} from './models/index.js';
export type { Fields, Generator, Random, Sample, TelemetryModel } from './models/index.js';
export { LatencyHistogram, percentile, summarize, summaryLine } from './stats/index.js';
export type { Counts, FleetSummary } from './stats/index.js';
export { ProgressBar, StatusLine } from './progress/index.js';
export type { ProgressStream } from './progress/index.js';
export { TickClock } from './scheduler/index.js';
export type { TickTimer } from './scheduler/index.js';
export { enrollFleet, deviceDir, simDeviceId } from './enroll/index.js';
export type { EnrollFleetOptions, SimCredentials, SimDevice } from './enroll/index.js';
export { Fleet, certificateValidity } from './fleet/index.js';
export type { BehaviorContext, DeviceBehavior, DeviceOta, FleetHooks, FleetOptions, FleetOta } from './fleet/index.js';
export { SimTransport, Semaphore } from './transport/index.js';
export type { SimTransportOptions } from './transport/index.js';
export { runSimulation, startSimulation } from './run/index.js';
export type { RunningSimulation, SimRunOptions } from './run/index.js';
export {
  ATTACK_KINDS,
  attackBehavior,
  benignMetrics,
  GroundTruth,
  NETWORK_MODELS,
  pickInfected,
  SimAttack,
} from './attacks/index.js';
export type { AttackBehavior, AttackKind, AttackSummary, DeviceMetrics, InfectedOutcome } from './attacks/index.js';
