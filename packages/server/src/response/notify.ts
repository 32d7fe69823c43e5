import { createHmac } from 'node:crypto';
import type { Store } from '../store/index.js';

export interface NotifyOptions {
  /** Delay before the first retry; doubles each time (default 1 s). */
  readonly backoffMs?: number;
  /** Per attempt (default 5 s). */
  readonly timeoutMs?: number;
}

export interface Delivery {
  readonly status: 'delivered' | 'dead-lettered';
  readonly attempts: number;
  readonly lastError?: string;
}

/**
 * The signature a receiver checks: HMAC-SHA-256 over `<timestamp>.<body>` with the shared key,
 * hex, in `x-fleetward-signature: sha256=<hex>` beside `x-fleetward-timestamp` (the timestamp
 * lets receivers refuse replays). Same scheme as GitHub's and Stripe's webhooks.
 */
export function signWebhook(key: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', key).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * POSTs a JSON event; retries with exponential backoff on network errors and non-2xx answers;
 * after the last attempt the event goes to the dead-letter list (`notify_dead_letters`).
 */
export async function deliverWebhook(
  store: Store,
  now: () => Date,
  url: string,
  key: string,
  event: Record<string, unknown>,
  attempts: number,
  o: NotifyOptions = {},
): Promise<Delivery> {
  const body = JSON.stringify(event);
  let lastError = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const timestamp = String(Math.floor(now().getTime() / 1000));
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-fleetward-timestamp': timestamp,
          'x-fleetward-signature': signWebhook(key, timestamp, body),
        },
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(o.timeoutMs ?? 5_000),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return { status: 'delivered', attempts: attempt };
      lastError = `HTTP ${res.status}`;
    } catch (err) {
      lastError =
        (err as Error).name === 'TimeoutError' ? 'timeout' : String((err as Error).message ?? err).slice(0, 200);
    }
    if (attempt < attempts) await sleep((o.backoffMs ?? 1_000) * 2 ** (attempt - 1));
  }
  await store.query(
    'insert into notify_dead_letters (at, url, body, attempts, last_error) values ($1, $2, $3, $4, $5)',
    [now(), url, body, attempts, lastError],
  );
  return { status: 'dead-lettered', attempts, lastError };
}

export async function listDeadLetters(
  store: Store,
  limit = 100,
): Promise<{ id: string; at: string; url: string; attempts: number; lastError: string }[]> {
  const r = await store.query<{ id: string; at: Date; url: string; attempts: number; last_error: string }>(
    'select id, at, url, attempts, last_error from notify_dead_letters order by id desc limit $1',
    [limit],
  );
  return r.rows.map((x) => ({
    id: String(x.id),
    at: x.at.toISOString(),
    url: x.url,
    attempts: x.attempts,
    lastError: x.last_error,
  }));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
