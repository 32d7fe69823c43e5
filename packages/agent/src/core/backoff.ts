import type { Random } from './platform.js';

export interface BackoffOptions {
  /** First ceiling, ms. */
  readonly baseMs: number;
  /** Largest ceiling, ms. */
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1_000, maxMs: 60_000 };

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And
 * Jitter"): sleep = random(0, min(max, base * 2^attempt)). Spreads a fleet that lost the
 * gateway at the same moment over the whole window instead of a synchronized storm.
 */
export function fullJitter(attempt: number, options: BackoffOptions, random: Random): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random.next() * ceiling);
}
