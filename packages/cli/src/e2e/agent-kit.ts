import type { Agent } from '@fleetward/agent';
import type { TelemetryValue } from '@fleetward/protocol';
import { apiGet, type RunningServer } from './harness.js';

/** Polls `check` until it returns true; throws after `ms`. */
export async function waitFor(check: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The messageIds the server stored for a device (newest first, up to 1000). */
export async function storedIds(server: RunningServer, deviceId: string): Promise<string[]> {
  const r = await apiGet<{ records: { messageId: string }[] }>(
    server,
    `/api/v1/devices/${deviceId}/telemetry?limit=1000`,
  );
  if (r.status !== 200) throw new Error(`telemetry query answered ${r.status}`);
  return r.body.records.map((x) => x.messageId);
}

/** Every id stored exactly once: returns the ids missing and the ids stored more than once. */
export function compare(written: readonly string[], stored: readonly string[]) {
  const counts = new Map<string, number>();
  for (const id of stored) counts.set(id, (counts.get(id) ?? 0) + 1);
  return {
    missing: written.filter((id) => !counts.has(id)),
    duplicated: [...counts].filter(([, n]) => n > 1).map(([id]) => id),
  };
}

/**
 * Sends `body(n)` from `agent` every `everyMs`; `stop()` resolves once every send it started has
 * settled, so `written` holds every id the agent accepted.
 */
export function steadySender(agent: Agent, everyMs: number, body: (n: number) => Record<string, TelemetryValue>) {
  const written: string[] = [];
  const pending = new Set<Promise<unknown>>();
  const timer = setInterval(() => {
    const p = agent.send('telemetry', body(written.length)).then((id) => written.push(id));
    pending.add(p);
    void p.finally(() => pending.delete(p));
  }, everyMs);
  return {
    written,
    async stop(): Promise<void> {
      clearInterval(timer);
      await Promise.all(pending);
    },
  };
}
