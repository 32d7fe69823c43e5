/**
 * Nearest-rank percentile (p in 0-100) of a sorted ascending list; undefined when empty.
 * p50 of [1,2,3,4] is 2, p99 of 1..100 is 99.
 */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  if (p <= 0) return sorted[0];
  const rank = Math.ceil((Math.min(p, 100) / 100) * sorted.length);
  return sorted[rank - 1];
}
