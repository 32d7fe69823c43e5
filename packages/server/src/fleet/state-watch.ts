import type { DeviceState } from '../kernel/index.js';
import type { Sql } from '../store/index.js';

/** How far back each look reaches again: servers' clocks that stamp `updated_at` may disagree. */
const OVERLAP_MS = 5_000;

export interface DeviceStateWatch {
  /** One look now: applies the changes since the previous one; resolves with their number. */
  poll(): Promise<number>;
  stop(): void;
}

/**
 * Device state changes made by other server processes sharing a PostgreSQL store (an operator's
 * revoke on another server, a playbook there), applied to this process's live sessions: every
 * `everyMs`, the devices whose row changed since the last look (with an overlap) get their
 * current state applied again. Applying a state is idempotent. Within one process the change
 * arrives at once as an event; this only bounds how late another process's change can be.
 */
export function watchDeviceStates(
  db: Sql,
  now: () => Date,
  apply: (deviceId: string, state: DeviceState) => void,
  everyMs: number,
  onError: (err: unknown) => void,
): DeviceStateWatch {
  let since = now();
  let running: Promise<number> | undefined;
  const poll = (): Promise<number> => {
    running ??= (async () => {
      try {
        const r = await db.query<{ id: string; state: DeviceState; updated_at: Date }>(
          `select id, state, updated_at from devices where updated_at > $1 order by updated_at limit 10000`,
          [new Date(since.getTime() - OVERLAP_MS)],
        );
        for (const row of r.rows) {
          apply(row.id, row.state);
          if (row.updated_at > since) since = row.updated_at;
        }
        return r.rows.length;
      } finally {
        running = undefined;
      }
    })();
    return running;
  };
  const timer = setInterval(() => void poll().catch(onError), everyMs);
  timer.unref();
  return { poll, stop: () => clearInterval(timer) };
}
