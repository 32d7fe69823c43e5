export { BoundedOutbox, DEFAULT_OUTBOX_LIMITS } from './bounded.js';
export type { OutboxLimits } from './bounded.js';
