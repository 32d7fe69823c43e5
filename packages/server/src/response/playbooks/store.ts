import type { AuditLog } from '../../kernel/index.js';
import type { Store } from '../../store/index.js';
import { responseError } from '../errors.js';
import { parsePlaybook } from './schema.js';
import type { Playbook } from './types.js';

/**
 * Shipped and enabled: a device caught scanning, listening on a backdoor port, brute-forcing,
 * flooding or exfiltrating (high severity and above) is quarantined: only its update and
 * command topics stay open, so it can be repaired. A device the audit finds on a release
 * marked known-bad is forced onto its model's newest release that is not.
 */
export const DEFAULT_PLAYBOOKS: readonly Playbook[] = [
  {
    name: 'contain-compromised',
    description: 'Quarantine a device whose behavior says it is compromised.',
    enabled: true,
    trigger: { kinds: ['scanning', 'backdoor', 'bruteforce', 'flood', 'exfiltration'], minSeverity: 'high' },
    steps: [{ action: 'quarantine' }],
  },
  {
    name: 'update-known-bad-firmware',
    description: 'Force a device running a release marked known-bad onto the newest good release.',
    enabled: true,
    trigger: { kinds: ['known-bad-firmware'], minSeverity: 'high' },
    steps: [{ action: 'force-update' }],
  },
];

/** Stored playbooks, plus the defaults no stored playbook of the same name replaces. */
export async function loadPlaybooks(store: Store): Promise<Playbook[]> {
  const r = await store.query<{ body: unknown }>('select body from playbooks order by name');
  const stored = r.rows.map((x) => parsePlaybook(x.body));
  const names = new Set(stored.map((p) => p.name));
  return [...DEFAULT_PLAYBOOKS.filter((p) => !names.has(p.name)), ...stored];
}

export async function putPlaybook(
  store: Store,
  audit: AuditLog,
  at: Date,
  input: unknown,
  actor: string,
): Promise<Playbook> {
  const playbook = parsePlaybook(input);
  await store.transaction(async (tx) => {
    await tx.query(
      `insert into playbooks (name, body, updated_at, updated_by) values ($1, $2, $3, $4)
       on conflict (name) do update set body = excluded.body, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      [playbook.name, JSON.stringify(playbook), at, actor],
    );
    const details = {
      enabled: playbook.enabled,
      trigger: playbook.trigger,
      steps: playbook.steps.map((s) => s.action),
    };
    await audit.append({ actor, action: 'response.playbook.put', target: `playbook:${playbook.name}`, details }, tx);
  });
  return playbook;
}

export async function deletePlaybook(store: Store, audit: AuditLog, name: string, actor: string): Promise<void> {
  await store.transaction(async (tx) => {
    const r = await tx.query('delete from playbooks where name = $1', [name]);
    if (r.rowCount === 0) throw responseError('FW_RESPONSE_PLAYBOOK_NOT_FOUND', `no stored playbook ${name}`);
    await audit.append({ actor, action: 'response.playbook.delete', target: `playbook:${name}` }, tx);
  });
}
