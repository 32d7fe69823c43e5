import { serverError } from '../errors.js';
import type { Sql, Store } from './types.js';

/**
 * Wraps a store so that close() waits for the queries and transactions in flight, and calls
 * made once close() began are refused with FW_STORE_UNAVAILABLE instead of reaching a closed pool.
 */
export function closeGracefully(store: Store): Store {
  let inFlight = 0;
  let closing: Promise<void> | undefined;
  let drained: (() => void) | undefined;

  async function track<T>(op: () => Promise<T>): Promise<T> {
    if (closing) throw serverError('FW_STORE_UNAVAILABLE', 'the store is closed');
    inFlight += 1;
    try {
      return await op();
    } finally {
      inFlight -= 1;
      if (inFlight === 0) drained?.();
    }
  }

  async function close(): Promise<void> {
    if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
    await store.close();
  }

  return {
    kind: store.kind,
    query: <T extends object>(text: string, params?: readonly unknown[]) => track(() => store.query<T>(text, params)),
    transaction: <T>(fn: (tx: Sql) => Promise<T>) => track(() => store.transaction<T>(fn)),
    exec: (text) => track(() => store.exec(text)),
    close: () => (closing ??= close()),
  };
}
