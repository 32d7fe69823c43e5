export { LatencyHistogram } from './histogram.js';
export { percentile } from './percentile.js';
export { summarize, summaryLine } from './summary.js';
export type { Counts, FleetSummary } from './summary.js';
