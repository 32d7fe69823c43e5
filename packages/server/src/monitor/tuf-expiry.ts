import type { Sql } from '../store/index.js';
import type { Finding } from './audit-checks.js';

export const TUF_EXPIRY_CHECK = 'tuf-metadata-expiring';

/** The roles whose keys may be kept offline (decision 0007): nobody re-signs them on the server. */
const OFFLINE_CAPABLE = ['root', 'targets'] as const;

/**
 * TUF root and targets metadata that expires within `days` (high once expired). With online keys
 * the server re-signs a role at half its lifetime, so this fires only when the keys are offline
 * and an operator must re-sign (`fleetward tuf sign-targets`, `tuf rotate-root`) before devices
 * refuse every update (TUF 5.3.10, 5.6.6: an expired role stops the update).
 */
export async function tufExpiring(db: Sql, now: Date, days: number): Promise<Finding[]> {
  const r = await db.query<{ role: string; version: number; expires: Date }>(
    `select distinct on (role) role, version, expires from tuf_metadata
     where role = any($1::text[]) order by role, version desc`,
    [OFFLINE_CAPABLE],
  );
  const horizon = now.getTime() + days * 86_400_000;
  return r.rows
    .filter((m) => m.expires.getTime() < horizon)
    .map((m) => ({
      check: TUF_EXPIRY_CHECK,
      target: `tuf:${m.role}`,
      severity: m.expires <= now ? ('high' as const) : ('medium' as const),
      details: { role: m.role, version: m.version, expires: m.expires.toISOString() },
    }));
}
