// The server package's public surface: the composition root and the capabilities' doors.
export * from './app/index.js';
export { openStore } from './store/index.js';
export type { Store, StoreOptions } from './store/index.js';
export { FixedClock, systemClock } from './kernel/index.js';
export type { Clock } from './kernel/index.js';
export * from './firmware/index.js';
export * from './updates/index.js';
export * from './monitor/index.js';
export * from './response/index.js';
export * from './rollouts/index.js';
