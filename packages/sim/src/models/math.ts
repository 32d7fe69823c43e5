import type { Random } from './types.js';

const DAY_MS = 86_400_000;

/** Standard normal (Box-Muller), from two uniforms. */
export function gaussian(random: Random): number {
  const u = Math.max(random.next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.next());
}

/** -1 at `peakHour - 12`, +1 at `peakHour` (local to UTC; the fleet shares one "sun"). */
export function dailyCycle(nowMs: number, peakHour: number): number {
  const hour = (((nowMs % DAY_MS) + DAY_MS) % DAY_MS) / 3_600_000;
  return Math.cos((2 * Math.PI * (hour - peakHour)) / 24);
}

/** Hour of day 0-24 (UTC). */
export function hourOfDay(nowMs: number): number {
  return (((nowMs % DAY_MS) + DAY_MS) % DAY_MS) / 3_600_000;
}

/** Mean-reverting random walk step (Ornstein-Uhlenbeck): pulls `x` to `mean`. */
export function drift(random: Random, x: number, mean: number, pull: number, sigma: number): number {
  return x + pull * (mean - x) + sigma * gaussian(random);
}

export function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** True with probability 1 - exp(-rate * dt): a Poisson event in a step of `dtMs` at `perHour`. */
export function happens(random: Random, perHour: number, dtMs: number): boolean {
  return random.next() < 1 - Math.exp((-perHour * dtMs) / 3_600_000);
}
