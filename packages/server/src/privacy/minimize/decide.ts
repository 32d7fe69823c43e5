import type { Sql } from '../../store/index.js';
import type { CatalogField, EffectiveCatalog } from '../catalog/index.js';
import { currentConsents, permission, profileFor, type ConsentProfile, type ConsentState } from '../consent/index.js';

/** Why a field was not stored. Counted, never logged with its value. */
export type DropReason = 'not-in-catalog' | 'no-consent' | 'device-only' | 'not-kept';

/** KEEP, or the number of decimals a coarsened value keeps. */
export const KEEP = -1;

/** Everything the filter needs for one device, computed once and cached. */
export interface DeviceDecision {
  readonly model: string;
  /** Field name -> KEEP or decimals; a field not here is dropped. */
  readonly rules: ReadonlyMap<string, number>;
  /** Catalog fields that are dropped, with why. */
  readonly denied: ReadonlyMap<string, DropReason>;
  readonly ownerRegion: string | null;
  /** May `field` be used for `purpose` (e.g. analytics.reporting) for this device? */
  permits(field: string, purpose: string): boolean;
}

export interface DeviceFacts {
  readonly model: string;
  readonly ownerId: string | null;
  readonly region: string | null;
}

export async function loadFacts(sql: Sql, deviceId: string): Promise<DeviceFacts | undefined> {
  const r = await sql.query<{ model: string; owner_id: string | null; region: string | null }>(
    `select d.model, o.id as owner_id, o.region from devices d
     left join privacy_device_owners a on a.device_id = d.id
     left join privacy_owners o on o.id = a.owner_id where d.id = $1`,
    [deviceId],
  );
  const row = r.rows[0];
  return row ? { model: row.model, ownerId: row.owner_id, region: row.region } : undefined;
}

/**
 * Applies ETSI EN 303 645 provision 6-4 / GDPR Art. 25(2): a field is kept only when one of its
 * purposes is permitted; a device without an owner is read under the fallback profile with no
 * consent (essential only when the fallback is opt-in).
 */
export async function decide(
  sql: Sql,
  deviceId: string,
  catalog: (model: string) => Promise<EffectiveCatalog>,
  fallback: ConsentProfile,
): Promise<DeviceDecision> {
  const facts = await loadFacts(sql, deviceId);
  if (!facts) return emptyDecision();
  const { fields } = await catalog(facts.model);
  const consents = facts.ownerId
    ? await currentConsents(sql, facts.ownerId, deviceId)
    : new Map<string, ConsentState>();
  const profile = profileFor(facts.region ?? undefined, fallback);
  const rules = new Map<string, number>();
  const denied = new Map<string, DropReason>();
  for (const f of fields.values()) {
    const verdict = fieldVerdict(f, profile, consents);
    if (typeof verdict === 'number') rules.set(f.name, verdict);
    else denied.set(f.name, verdict);
  }
  return {
    model: facts.model,
    rules,
    denied,
    ownerRegion: facts.region,
    permits: (name, purpose) => {
      const f = fields.get(name);
      if (!f || !rules.has(name) || !f.purposes.includes(purpose)) return false;
      return permission(f, purpose, profile, consents.get(purpose)) === 'full';
    },
  };
}

function fieldVerdict(
  f: CatalogField,
  profile: ConsentProfile,
  consents: Map<string, ConsentState>,
): number | DropReason {
  if (f.storage === 'device') return 'device-only';
  if (f.retentionDays === 0) return 'not-kept';
  let coarse = false;
  for (const purpose of f.purposes) {
    const p = permission(f, purpose, profile, consents.get(purpose));
    if (p === 'full') return KEEP;
    if (p === 'coarse') coarse = true;
  }
  return coarse && f.coarsen ? f.coarsen.decimals : 'no-consent';
}

function emptyDecision(): DeviceDecision {
  return { model: '', rules: new Map(), denied: new Map(), ownerRegion: null, permits: () => false };
}
