import { MinHeap } from './heap.js';

/** A timer of the shared clock; opaque to callers. */
export interface TickTimer {
  key: number;
  seq: number;
  fn: (() => void) | undefined;
}

/**
 * One clock for a whole simulated fleet: every agent's timers (reconnect backoff, keep-alive,
 * renewal, telemetry cadence) live in one heap, and a single Node interval fires the due ones
 * every `resolutionMs`. 10,000 agents cost one Node timer, not tens of thousands. Implements
 * the agent's `Clock` (now/setTimer/clearTimer). The interval runs only while timers are pending.
 */
export class TickClock {
  readonly #heap = new MinHeap<TickTimer>();
  #seq = 0;
  #interval: NodeJS.Timeout | undefined;
  #pending = 0;
  #closed = false;

  constructor(
    private readonly resolutionMs = 10,
    private readonly onError: (err: unknown) => void = () => undefined,
    private readonly time: () => number = Date.now,
  ) {}

  /** Timers scheduled and not yet fired or cleared. */
  get pending(): number {
    return this.#pending;
  }

  now(): number {
    return this.time();
  }

  setTimer(fn: () => void, ms: number): TickTimer {
    const timer: TickTimer = { key: this.time() + Math.max(0, ms), seq: this.#seq++, fn };
    if (this.#closed) {
      timer.fn = undefined;
      return timer;
    }
    this.#heap.push(timer);
    this.#pending++;
    this.#interval ??= setInterval(() => this.tick(), this.resolutionMs);
    return timer;
  }

  clearTimer(handle: unknown): void {
    const timer = handle as TickTimer | undefined;
    if (timer?.fn === undefined) return;
    timer.fn = undefined;
    this.#pending--;
  }

  /** Runs every timer due by now (also called by the interval); timers set meanwhile wait for the next tick. */
  tick(): void {
    const now = this.time();
    const limit = this.#seq;
    for (let top = this.#heap.peek(); top !== undefined && top.key <= now && top.seq < limit; top = this.#heap.peek()) {
      this.#heap.pop();
      const fn = top.fn;
      if (fn === undefined) continue;
      top.fn = undefined;
      this.#pending--;
      try {
        fn();
      } catch (err) {
        this.onError(err);
      }
    }
    if (this.#pending === 0) this.#stopInterval();
  }

  /** Drops every timer; later setTimer calls are ignored. */
  close(): void {
    this.#closed = true;
    this.#heap.clear();
    this.#pending = 0;
    this.#stopInterval();
  }

  #stopInterval(): void {
    if (this.#interval !== undefined) clearInterval(this.#interval);
    this.#interval = undefined;
    this.#heap.clear();
  }
}
