export { ANALYTICS_PURPOSE, runAggregate } from './aggregate.js';
export type { AggregateEnv } from './aggregate.js';
export { listBudgets, spendBudget } from './budget.js';
export type { Budget } from './budget.js';
export { cryptoUniform, discreteLaplace, discreteLaplaceMoments, geometric } from './noise.js';
export type { UniformSource } from './noise.js';
export { checkQuery, MAX_BINS, MAX_EPSILON } from './query.js';
export type { AggregateGroup, AggregateQuery, AggregateResult, Statistic } from './query.js';
