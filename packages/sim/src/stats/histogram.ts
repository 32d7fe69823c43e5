/**
 * A latency histogram in constant memory (whatever the fleet size): 1 ms buckets up to
 * 100 ms, then buckets growing by 2 % (so any percentile is within 2 % of the true value), up
 * to about 10 minutes. Values are milliseconds, non-negative.
 */
export class LatencyHistogram {
  static readonly #linear = 100;
  static readonly #growth = Math.log(1.02);
  readonly #counts: Uint32Array;
  #count = 0;
  #max = 0;

  constructor() {
    this.#counts = new Uint32Array(LatencyHistogram.#linear + 800);
  }

  get count(): number {
    return this.#count;
  }

  record(ms: number): void {
    const v = Number.isFinite(ms) && ms > 0 ? ms : 0;
    const i = Math.min(LatencyHistogram.#index(v), this.#counts.length - 1);
    this.#counts[i]!++;
    this.#count++;
    if (v > this.#max) this.#max = v;
  }

  /** Nearest-rank percentile (upper edge of the bucket, capped at the largest value seen). */
  percentile(p: number): number | undefined {
    if (this.#count === 0) return undefined;
    const rank = Math.max(1, Math.ceil((Math.min(Math.max(p, 0), 100) / 100) * this.#count));
    let seen = 0;
    for (let i = 0; i < this.#counts.length; i++) {
      seen += this.#counts[i]!;
      if (seen >= rank) return Math.min(LatencyHistogram.#upper(i), this.#max);
    }
    return this.#max;
  }

  merge(other: LatencyHistogram): void {
    for (let i = 0; i < this.#counts.length; i++) this.#counts[i]! += other.#counts[i]!;
    this.#count += other.#count;
    this.#max = Math.max(this.#max, other.#max);
  }

  static #index(v: number): number {
    if (v < LatencyHistogram.#linear) return Math.floor(v);
    return LatencyHistogram.#linear + Math.floor(Math.log(v / LatencyHistogram.#linear) / LatencyHistogram.#growth);
  }

  static #upper(i: number): number {
    if (i < LatencyHistogram.#linear) return i + 1;
    return LatencyHistogram.#linear * Math.exp((i - LatencyHistogram.#linear + 1) * LatencyHistogram.#growth);
  }
}
