export { benignMetrics, NETWORK_MODELS } from './benign.js';
export type { DeviceMetrics } from './benign.js';
export { ATTACK_KINDS, attackBehavior, pickInfected } from './attacks.js';
export type { AttackBehavior, AttackKind } from './attacks.js';
export { GroundTruth } from './ground-truth.js';
export type { AttackSummary, InfectedOutcome } from './ground-truth.js';
export { SimAttack } from './sim-attack.js';
