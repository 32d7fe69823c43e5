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

/** An attempt counted before it is checked (see FailureCounter.reserve). */
export interface Reservation {
  readonly key: string;
  /** The lock this attempt started (ms since the epoch), or 0. */
  readonly lockedUntil: number;
}

/** The answer of FailureCounter.reserve: a reservation, or the lock that refuses the attempt. */
export type Reserved =
  { readonly ok: true; readonly reservation: Reservation } | { readonly ok: false; readonly lockedUntil: number };

/**
 * Failure counts in memory, per key (source address, or a username that has no account so
 * that unknown names lock exactly like real ones). Bounded: the oldest keys are forgotten
 * past `maxKeys`, and a key is forgotten a day after its last failure once unlocked.
 *
 * An attempt is counted when it starts (reserve), not when it has failed: attempts in flight
 * count against the limit, so concurrent requests cannot all pass the check before the first
 * failure is recorded (OWASP ASVS V2.2.1). An attempt that succeeds gives its count back (release).
 */
export class FailureCounter {
  readonly #entries = new Map<string, Entry>();
  constructor(
    private readonly clock: Clock,
    private readonly policy: LockoutPolicy,
    private readonly maxKeys = 10_000,
    private readonly forgetAfterMs = 24 * 3600_000,
  ) {}

  /**
   * Counts an attempt before it is checked, atomically with the check of the lock: refused
   * (nothing counted) while the key is locked; else counted as a failure now, starting the
   * lock when it reaches the threshold, so that later attempts are refused while it runs.
   */
  reserve(key: string): Reserved {
    const entry = this.#live(key);
    const now = this.clock.now().getTime();
    if (entry && entry.lockedUntil > now) return { ok: false, lockedUntil: entry.lockedUntil };
    return { ok: true, reservation: { key, lockedUntil: this.#count(key) } };
  }

  /** Gives back the count of a reserved attempt that succeeded, and the lock it started, if any. */
  release(reservation: Reservation): void {
    const entry = this.#entries.get(reservation.key);
    if (!entry) return;
    entry.failures = Math.max(0, entry.failures - 1);
    if (reservation.lockedUntil > 0 && entry.lockedUntil === reservation.lockedUntil) entry.lockedUntil = 0;
  }

  /** Counts one failure; answers the lock it starts (ms since the epoch), or 0. */
  #count(key: string): number {
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
    return lock > 0 ? entry.lockedUntil : 0;
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

/**
 * The lock periods whose refusal is already in the audit log, per key (`account:<name>`,
 * `address:<source>`): a locked key adds one audit entry per lock, not one per refused request,
 * so that requests made cheap by the lock (no password hash) cannot flood the hash-chained log.
 * Bounded: the oldest keys are forgotten past `maxKeys`.
 */
export class LockPeriods {
  readonly #audited = new Map<string, number>();
  constructor(private readonly maxKeys = 10_000) {}

  /** true the first time it is asked about this lock (ending at `lockedUntil`, ms) of `key`. */
  first(key: string, lockedUntil: number): boolean {
    if (this.#audited.get(key) === lockedUntil) return false;
    this.#audited.delete(key);
    this.#audited.set(key, lockedUntil);
    if (this.#audited.size > this.maxKeys) {
      const oldest = this.#audited.keys().next().value;
      if (oldest !== undefined) this.#audited.delete(oldest);
    }
    return true;
  }
}
