/**
 * A small typed event emitter with Node's `on`/`once`/`off`/`emit` shape, platform-free.
 * Unlike Node's, an `error` event without listeners is not thrown: a device keeps running.
 */
export type EventMap = Record<string, unknown[]>;

type Listener = (...args: unknown[]) => void;

export class Emitter<T extends EventMap> {
  readonly #listeners = new Map<keyof T, Set<Listener>>();

  on<K extends keyof T>(event: K, fn: (...args: T[K]) => void): this {
    let set = this.#listeners.get(event);
    if (set === undefined) this.#listeners.set(event, (set = new Set()));
    set.add(fn as unknown as Listener);
    return this;
  }

  once<K extends keyof T>(event: K, fn: (...args: T[K]) => void): this {
    const wrapper = (...args: T[K]) => {
      this.off(event, wrapper);
      fn(...args);
    };
    return this.on(event, wrapper);
  }

  off<K extends keyof T>(event: K, fn: (...args: T[K]) => void): this {
    this.#listeners.get(event)?.delete(fn as unknown as Listener);
    return this;
  }

  /** Calls the listeners in order; a listener that throws does not stop the others. */
  emit<K extends keyof T>(event: K, ...args: T[K]): boolean {
    const set = this.#listeners.get(event);
    if (set === undefined || set.size === 0) return false;
    for (const fn of [...set]) {
      try {
        fn(...(args as unknown[]));
      } catch {
        // a faulty listener must not break the agent
      }
    }
    return true;
  }

  listenerCount(event: keyof T): number {
    return this.#listeners.get(event)?.size ?? 0;
  }
}
