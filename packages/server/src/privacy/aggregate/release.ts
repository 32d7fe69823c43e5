import { discreteLaplace, type UniformSource } from './noise.js';
import type { AggregateGroup, AggregateQuery } from './query.js';

/** Sums are released in steps of (upper - lower) / RESOLUTION, so the noise is an integer one. */
const RESOLUTION = 1000;

/**
 * Releases one group (one value per device, already clamped) under ε-DP, add/remove-one-device
 * neighbours. Groups partition the devices, so one query costs ε (parallel composition).
 *   count: n + DL(ε, Δ=1)
 *   sum:   count with ε/2 (for suppression), quantized sum with ε/2, Δ = max(|lower|, |upper|)
 *   mean:  noisy sum / noisy count (post-processing)
 *   histogram: each bin + DL(ε, Δ=1) (one device moves one bin count by 1)
 * A group whose noisy count is under k is suppressed (the decision uses the noisy count only).
 */
export function releaseGroup(
  group: string,
  values: readonly number[],
  q: AggregateQuery,
  bounds: { lower: number; upper: number },
  k: number,
  uniform: UniformSource,
): AggregateGroup {
  if (q.statistic === 'count') {
    const count = Math.max(0, values.length + discreteLaplace(uniform, q.epsilon, 1));
    return count < k ? { group, suppressed: true } : { group, suppressed: false, count };
  }
  if (q.statistic === 'histogram') {
    const bins = q.bins!;
    const counts = new Array<number>(bins).fill(0);
    const width = (bounds.upper - bounds.lower) / bins;
    for (const v of values) counts[Math.min(bins - 1, Math.floor((v - bounds.lower) / width))]! += 1;
    const noisy = counts.map((c) => Math.max(0, c + discreteLaplace(uniform, q.epsilon, 1)));
    const total = noisy.reduce((a, b) => a + b, 0);
    return total < k ? { group, suppressed: true } : { group, suppressed: false, count: total, histogram: noisy };
  }
  const half = q.epsilon / 2;
  const count = Math.max(0, values.length + discreteLaplace(uniform, half, 1));
  if (count < k) return { group, suppressed: true };
  const step = (bounds.upper - bounds.lower) / RESOLUTION;
  const units = values.reduce((s, v) => s + Math.round(v / step), 0);
  const sensitivity = Math.ceil(Math.max(Math.abs(bounds.lower), Math.abs(bounds.upper)) / step);
  const sum = (units + discreteLaplace(uniform, half, sensitivity)) * step;
  if (q.statistic === 'sum') return { group, suppressed: false, count, sum };
  const mean = Math.min(bounds.upper, Math.max(bounds.lower, sum / Math.max(count, 1)));
  return { group, suppressed: false, count, mean };
}
