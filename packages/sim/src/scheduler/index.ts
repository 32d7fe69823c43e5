export { TickClock } from './tick-clock.js';
export type { TickTimer } from './tick-clock.js';
