import type { Evaluation, FleetCriteria } from '../types.js';

/**
 * Fleet statistics of one behavior for one model: the values of the current window, and the
 * sorted values of the last closed window (devices in alarm left out, so a few infected
 * devices do not raise the bar for the rest). A device alarms above factor × the percentile.
 */
export class FleetDistribution {
  #current = new Map<string, number>();
  #previous: number[] = [];

  record(deviceId: string, value: number): void {
    this.#current.set(deviceId, Math.max(value, this.#current.get(deviceId) ?? 0));
  }

  /** Ends a window: the values seen become the peers of the next one. */
  rotate(excluded: ReadonlySet<string>): void {
    this.#previous = [...this.#current].filter(([id]) => !excluded.has(id)).map(([, v]) => v);
    this.#previous.sort((a, b) => a - b);
    this.#current = new Map();
  }

  evaluate(c: FleetCriteria, value: number): Evaluation | undefined {
    if (this.#previous.length < c.minPeers) return undefined;
    const p = percentile(this.#previous, c.percentile);
    const threshold = Math.max(c.floor, p * c.factor);
    return {
      violating: value > threshold,
      observed: value,
      expected: { [`p${c.percentile}`]: p, threshold, peers: this.#previous.length },
    };
  }
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}
