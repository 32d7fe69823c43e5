import type { Context } from '../kernel/index.js';
import type { Sql } from '../store/index.js';
import { knownBadReleases } from '../updates/index.js';

const SYSTEM = 'system:rollouts';

/**
 * Pauses every running rollout of a release marked known-bad (audited as the system, action
 * `rollout.auto-pause`), and returns their ids. Idempotent: a paused rollout stays as it is.
 */
export async function pauseKnownBadRollouts(ctx: Context): Promise<string[]> {
  const bad = await knownBadReleases(ctx.store);
  if (bad.length === 0) return [];
  const byName = new Map(bad.map((r) => [r.name, r.knownBad]));
  const now = ctx.clock.now();
  return ctx.store.transaction(async (tx) => {
    const r = await tx.query<{ id: string; release: string }>(
      `update rollouts set state = 'paused', pause_reason = 'release marked known-bad', updated_at = $2
       where state = 'running' and release = any($1::text[]) returning id, release`,
      [[...byName.keys()], now],
    );
    for (const row of r.rows) {
      const mark = byName.get(row.release)!;
      await ctx.audit.append(
        {
          actor: SYSTEM,
          action: 'rollout.auto-pause',
          target: `rollout:${row.id}`,
          details: { reason: 'release marked known-bad', release: row.release, advisory: mark.advisory },
        },
        tx,
      );
    }
    return r.rows.map((row) => row.id).sort();
  });
}

/** A device confirmed running a release: that is its firmware now (the known-bad audit check reads it). */
export async function recordFirmware(db: Sql, deviceId: string, release: string, version: string, at: Date) {
  await db.query(
    `update devices set firmware_version = $2, firmware_release = $3, firmware_at = $4
     where id = $1 and (firmware_at is null or firmware_at <= $4)`,
    [deviceId, version, release, at],
  );
}
