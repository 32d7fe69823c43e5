import type { Clock } from '../kernel/index.js';

/** How failures turn into a lock: every `threshold` failures lock for `baseMs`, doubling each time, up to `maxMs`. */
export interface LockoutPolicy {
  readonly threshold: number;
  readonly baseMs: number;
  readonly maxMs: number;
}

/** Accounts: 5 failures lock for 15 minutes, then 30, 60 … up to a day. */
export const ACCOUNT_LOCKOUT: LockoutPolicy = { threshold: 5, baseMs: 15 * 60_000, maxMs: 24 * 3600_000 };
/** Source addresses: 20 failures (any usernames) lock the address the same way. */
export const ADDRESS_LOCKOUT: LockoutPolicy = { threshold: 20, baseMs: 15 * 60_000, maxMs: 24 * 3600_000 };

/** The lock that the `failures`-th failure starts, in ms, or 0. */
export function lockFor(policy: LockoutPolicy, failures: number): number {
  if (failures < policy.threshold || failures % policy.threshold !== 0) return 0;
  const round = failures / policy.threshold - 1;
  return Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(round, 20));
}

interface Entry {
  failures: number;
  lockedUntil: number;
  lastFailure: number;
}

/**
 * Failure counts in memory, per key (source address, or a username that has no account so
 * that unknown names lock exactly like real ones). Bounded: the oldest keys are forgotten
 * past `maxKeys`, and a key is forgotten a day after its last failure once unlocked.
 */
export class FailureCounter {
  readonly #entries = new Map<string, Entry>();
  constructor(
    private readonly clock: Clock,
    private readonly policy: LockoutPolicy,
    private readonly maxKeys = 10_000,
    private readonly forgetAfterMs = 24 * 3600_000,
  ) {}

  /** Seconds until the key unlocks, or 0 when it is not locked. */
  retryAfter(key: string): number {
    const entry = this.#live(key);
    const now = this.clock.now().getTime();
    return entry && entry.lockedUntil > now ? Math.ceil((entry.lockedUntil - now) / 1000) : 0;
  }

  fail(key: string): void {
    const now = this.clock.now().getTime();
    const entry = this.#live(key) ?? { failures: 0, lockedUntil: 0, lastFailure: now };
    entry.failures += 1;
    entry.lastFailure = now;
    const lock = lockFor(this.policy, entry.failures);
    if (lock > 0) entry.lockedUntil = now + lock;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    if (this.#entries.size > this.maxKeys) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }

  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    const now = this.clock.now().getTime();
    if (entry.lockedUntil <= now && now - entry.lastFailure > this.forgetAfterMs) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }
}
