import { fullJitter } from '../core/backoff.js';
import type { Clock, DeviceCredentials, Random } from '../core/platform.js';
import { TimerSlot } from '../core/timers.js';

export interface RenewerOptions {
  readonly clock: Clock;
  readonly random: Random;
  /** Fraction of the lifetime at which to renew (default 2/3). */
  readonly renewAt: number;
  readonly renew: (c: DeviceCredentials) => Promise<DeviceCredentials>;
  readonly validity: (c: DeviceCredentials) => { notBefore: number; notAfter: number };
  /** The credentials now in use. */
  readonly current: () => DeviceCredentials;
  /** New credentials are saved; the agent switches to them. */
  readonly renewed: (next: DeviceCredentials, notAfter: number) => Promise<void>;
  readonly failed: (err: unknown) => void;
}

const RETRY = { baseMs: 10_000, maxMs: 15 * 60_000 };
/** A new certificate is never renewed sooner than this (a backdated notBefore cannot cause a loop). */
const MIN_GAP_MS = 5_000;

/**
 * Automatic renewal (RFC 7030 §4.2.2 simplereenroll) at `renewAt` of the certificate lifetime;
 * a failure is retried with full-jitter backoff (a fleet enrolled together does not renew in
 * one burst after a server outage).
 */
export class Renewer {
  readonly #timer: TimerSlot;
  #failures = 0;
  #stopped = false;
  #lastRenewal: number | undefined;

  constructor(private readonly o: RenewerOptions) {
    this.#timer = new TimerSlot(o.clock);
  }

  /** The time the current certificate is due for renewal. */
  dueAt(): number {
    const { notBefore, notAfter } = this.o.validity(this.o.current());
    return notBefore + this.o.renewAt * (notAfter - notBefore);
  }

  schedule(): void {
    if (this.#stopped) return;
    const floor = this.#lastRenewal === undefined ? 0 : this.#lastRenewal + MIN_GAP_MS;
    this.#timer.at(Math.max(this.dueAt(), floor), () => void this.#run());
  }

  stop(): void {
    this.#stopped = true;
    this.#timer.clear();
  }

  /** One renewal: a new certificate, saved and in use; any failure (EST, saving it) is retried. */
  async #run(): Promise<void> {
    try {
      const next = await this.o.renew(this.o.current());
      if (this.#stopped) return;
      await this.o.renewed(next, this.o.validity(next).notAfter);
    } catch (err) {
      if (this.#stopped) return;
      this.o.failed(err);
      this.#timer.after(fullJitter(this.#failures++, RETRY, this.o.random), () => void this.#run());
      return;
    }
    this.#failures = 0;
    this.#lastRenewal = this.o.clock.now();
    this.schedule();
  }
}
