export { decide, KEEP } from './decide.js';
export type { DeviceDecision, DropReason } from './decide.js';
export { Minimizer } from './minimizer.js';
export type { DropCount, MinimizerOptions } from './minimizer.js';
