import type { AuditLog } from '../../kernel/index.js';
import type { Store } from '../../store/index.js';
import { monitorError } from '../errors.js';
import type { SecurityProfile } from '../types.js';
import { defaultProfiles } from './defaults.js';
import { parseProfile } from './schema.js';

/** Stored profiles, plus the shipped defaults that no stored profile of the same name replaces. */
export async function loadProfiles(store: Store, windowMs: number): Promise<SecurityProfile[]> {
  const r = await store.query<{ body: unknown }>('select body from security_profiles order by name');
  const stored = r.rows.map((x) => parseProfile(x.body));
  const names = new Set(stored.map((p) => p.name));
  return [...defaultProfiles(windowMs).filter((p) => !names.has(p.name)), ...stored];
}

/** Creates or replaces a profile (audited). */
export async function putProfile(
  store: Store,
  audit: AuditLog,
  at: Date,
  input: unknown,
  actor: string,
): Promise<SecurityProfile> {
  const profile = parseProfile(input);
  await store.transaction(async (tx) => {
    await tx.query(
      `insert into security_profiles (name, body, updated_at, updated_by) values ($1, $2, $3, $4)
       on conflict (name) do update set body = excluded.body, updated_at = excluded.updated_at,
         updated_by = excluded.updated_by`,
      [profile.name, JSON.stringify(profile), at, actor],
    );
    const details = { enabled: profile.enabled, behaviors: profile.behaviors.length, models: profile.target.models };
    await audit.append({ actor, action: 'monitor.profile.put', target: `profile:${profile.name}`, details }, tx);
  });
  return profile;
}

/** Deletes a stored profile (audited); a shipped default of that name comes back. */
export async function deleteProfile(store: Store, audit: AuditLog, name: string, actor: string): Promise<void> {
  await store.transaction(async (tx) => {
    const r = await tx.query('delete from security_profiles where name = $1', [name]);
    if (r.rowCount === 0) throw monitorError('FW_MONITOR_PROFILE_NOT_FOUND', `no stored profile ${name}`);
    await audit.append({ actor, action: 'monitor.profile.delete', target: `profile:${name}` }, tx);
  });
}
