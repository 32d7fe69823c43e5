import { privacyError } from '../errors.js';

export type Statistic = 'count' | 'sum' | 'mean' | 'histogram';

export interface AggregateQuery {
  readonly model: string;
  readonly field: string;
  readonly statistic: Statistic;
  readonly epsilon: number;
  /** Clamping bounds (needed for sum, mean, histogram): they fix the sensitivity. */
  readonly lower?: number | undefined;
  readonly upper?: number | undefined;
  readonly bins?: number | undefined;
  readonly groupBy?: 'none' | 'region' | undefined;
  /** ISO time: only records received at or after it. */
  readonly since?: string | undefined;
}

export interface AggregateGroup {
  readonly group: string;
  readonly suppressed: boolean;
  readonly count?: number;
  readonly sum?: number;
  readonly mean?: number;
  readonly histogram?: readonly number[];
}

export interface AggregateResult {
  readonly dataset: string;
  readonly statistic: Statistic;
  readonly epsilon: number;
  readonly epsilonRemaining: number;
  readonly k: number;
  readonly mechanism: 'discrete-laplace';
  readonly groups: readonly AggregateGroup[];
}

export const MAX_EPSILON = 10;
export const MAX_BINS = 100;

/** The numeric bounds a query needs, checked (FW_PRIVACY_QUERY_INVALID). */
export function checkQuery(q: AggregateQuery): { lower: number; upper: number } {
  const bad = (m: string) => privacyError('FW_PRIVACY_QUERY_INVALID', m);
  if (!(q.epsilon > 0 && q.epsilon <= MAX_EPSILON)) throw bad(`epsilon must be in (0, ${MAX_EPSILON}]`);
  if (q.statistic === 'count') return { lower: 0, upper: 0 };
  const { lower, upper } = q;
  if (lower === undefined || upper === undefined || !Number.isFinite(lower) || !Number.isFinite(upper)) {
    throw bad(`${q.statistic} needs finite lower and upper bounds`);
  }
  if (!(lower < upper)) throw bad('lower must be below upper');
  if (q.statistic === 'histogram' && !(Number.isInteger(q.bins) && q.bins! >= 1 && q.bins! <= MAX_BINS)) {
    throw bad(`histogram needs bins 1..${MAX_BINS}`);
  }
  return { lower, upper };
}
