import type { Sql } from '../store/index.js';
import type { Finding } from './audit-checks.js';
import type { AlarmChange } from './types.js';

/** The audit check's name, and the profile and behavior its alerts are filed under. */
export const KNOWN_BAD_CHECK = 'device-on-known-bad-firmware';
export const AUDIT_PROFILE = 'audit';
export const KNOWN_BAD_BEHAVIOR = 'known-bad-firmware';

/**
 * Devices (active or quarantined) whose current firmware, the version they last confirmed
 * through a rollout, is a release of their model marked known-bad. Severity high.
 */
export async function knownBadFirmware(db: Sql): Promise<Finding[]> {
  const r = await db.query<{
    id: string;
    model: string;
    version: string;
    release: string;
    reason: string;
    advisory: string | null;
  }>(
    `select d.id, d.model, d.firmware_version as version, t.name as release,
       t.known_bad_reason as reason, t.known_bad_advisory as advisory
     from devices d join tuf_targets t on t.model = d.model and t.version = d.firmware_version
     where t.known_bad_at is not null and d.state in ('active', 'quarantined')
     order by d.id limit 10000`,
  );
  return r.rows.map((d) => ({
    check: KNOWN_BAD_CHECK,
    target: `device:${d.id}`,
    severity: 'high' as const,
    details: { model: d.model, version: d.version, release: d.release, reason: d.reason, advisory: d.advisory },
  }));
}

/**
 * The alarm changes one audit run makes: an alert (kind `known-bad-firmware`, high) per device
 * found, deduplicated by the alert book while it stays active; a device no longer found (it was
 * updated, retired) has its alert cleared. `active`: devices with an active alert of this check.
 */
export function knownBadAlarms(findings: readonly Finding[], active: readonly string[], at: Date): AlarmChange[] {
  const base = { profile: AUDIT_PROFILE, behavior: KNOWN_BAD_BEHAVIOR, metric: 'firmware-version', at } as const;
  const found = new Set<string>();
  const changes: AlarmChange[] = [];
  for (const f of findings) {
    if (f.check !== KNOWN_BAD_CHECK) continue;
    const deviceId = f.target.slice('device:'.length);
    found.add(deviceId);
    changes.push({
      ...base,
      change: 'raised',
      deviceId,
      model: String(f.details['model']),
      kind: 'known-bad-firmware',
      severity: f.severity,
      observed: { version: f.details['version'], release: f.details['release'], advisory: f.details['advisory'] },
      expected: 'a release not marked known-bad',
    });
  }
  for (const deviceId of active) {
    if (found.has(deviceId)) continue;
    changes.push({
      ...base,
      change: 'cleared',
      deviceId,
      model: 'unknown',
      kind: 'known-bad-firmware',
      severity: 'high',
      observed: null,
      expected: 'a release not marked known-bad',
    });
  }
  return changes;
}

/** Devices with an active alert of the known-bad check. */
export async function knownBadAlerted(db: Sql): Promise<string[]> {
  const r = await db.query<{ device_id: string }>(
    `select device_id from alerts where profile = $1 and behavior = $2 and state = 'active' order by device_id`,
    [AUDIT_PROFILE, KNOWN_BAD_BEHAVIOR],
  );
  return r.rows.map((x) => x.device_id);
}
