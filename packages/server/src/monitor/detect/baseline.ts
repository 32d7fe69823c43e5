import type { BaselineCriteria, Evaluation, Severity } from '../types.js';

const HISTORY = 64;
const SEASON_HISTORY = 8;
const MAD_TO_SIGMA = 1.4826;
const EWMA_ALPHA = 0.2;

/**
 * The learned baseline of one metric of one device: the median and MAD of its recent
 * non-violating datapoints (robust to the outliers an attack produces, which are never learned),
 * an EWMA for display, and hour-of-day buckets used once they hold enough data (seasonality:
 * a camera busy in the evening is compared with its evenings). Only upward deviations alarm:
 * more traffic, more connections, more messages.
 */
export class Baseline {
  readonly #values: number[] = [];
  readonly #hours = new Map<number, number[]>();
  #ewma: number | undefined;
  #seen = 0;
  #firstAt: number | undefined;

  evaluate(c: BaselineCriteria, value: number, at: Date): Evaluation | undefined {
    if (this.#seen < c.warmup) return undefined;
    // Hour-of-day buckets count once the data spans two days (else they hold one hour of one day).
    const seasonal = this.#firstAt !== undefined && at.getTime() - this.#firstAt >= 2 * 86_400_000;
    const season = seasonal ? this.#hours.get(at.getUTCHours()) : undefined;
    const sample = season !== undefined && season.length >= SEASON_HISTORY / 2 ? season : this.#values;
    const med = median(sample);
    const mad = median(sample.map((v) => Math.abs(v - med)));
    const threshold = Math.max(med + c.k * MAD_TO_SIGMA * mad, med + c.minDelta, med * c.minRatio);
    const expected = {
      median: med,
      mad,
      ewma: round(this.#ewma ?? med),
      threshold: round(threshold),
      seasonal: sample === season,
    };
    const violating = value > threshold;
    const severity: Severity | undefined = violating && value > threshold * 10 ? 'critical' : undefined;
    return severity ? { violating, observed: value, expected, severity } : { violating, observed: value, expected };
  }

  /** Learns a datapoint that did not violate (an attack never becomes the norm). */
  learn(value: number, at: Date): void {
    this.#seen++;
    this.#firstAt ??= at.getTime();
    push(this.#values, value, HISTORY);
    const hour = at.getUTCHours();
    let bucket = this.#hours.get(hour);
    if (bucket === undefined) this.#hours.set(hour, (bucket = []));
    push(bucket, value, SEASON_HISTORY);
    this.#ewma = this.#ewma === undefined ? value : EWMA_ALPHA * value + (1 - EWMA_ALPHA) * this.#ewma;
  }
}

function push(list: number[], value: number, max: number): void {
  list.push(value);
  if (list.length > max) list.shift();
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
