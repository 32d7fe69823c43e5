import type { Clock, TimerHandle } from './platform.js';

/** setTimeout keeps 32-bit delays; longer ones fire at once. */
const MAX_DELAY = 2 ** 31 - 1;

/** One named timer slot: arming replaces the previous timer. Deadlines far away are re-armed in steps. */
export class TimerSlot {
  #handle: TimerHandle | undefined;

  constructor(private readonly clock: Clock) {}

  /** Runs `fn` after `ms`. */
  after(ms: number, fn: () => void): void {
    this.at(this.clock.now() + Math.max(0, ms), fn);
  }

  /** Runs `fn` at time `at` (ms since the epoch). */
  at(at: number, fn: () => void): void {
    this.clear();
    const delay = Math.max(0, at - this.clock.now());
    if (delay > MAX_DELAY) {
      this.#handle = this.clock.setTimer(() => this.at(at, fn), MAX_DELAY);
      return;
    }
    this.#handle = this.clock.setTimer(() => {
      this.#handle = undefined;
      fn();
    }, delay);
  }

  get armed(): boolean {
    return this.#handle !== undefined;
  }

  clear(): void {
    if (this.#handle === undefined) return;
    this.clock.clearTimer(this.#handle);
    this.#handle = undefined;
  }
}
