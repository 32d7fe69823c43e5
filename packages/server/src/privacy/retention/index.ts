export { listRetentionRuns, runRetention } from './retention.js';
export type { RetentionEvidence, RetentionOptions } from './retention.js';
