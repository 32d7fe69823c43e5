export { runSimulation, startSimulation } from './run.js';
export type { RunningSimulation, SimRunOptions } from './run.js';
