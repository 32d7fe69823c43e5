import type { AuditEntry, AuditLog, Clock } from '../kernel/index.js';
import type { Sql, Store } from '../store/index.js';
import { chainHash, GENESIS_HASH } from './canonical.js';
import { auditError } from './errors.js';
import { readAnchor, readLastRow, writeAnchor } from './head.js';
import { ROW_COLUMNS, toRecord, type AuditRecord, type AuditRow } from './row.js';

export interface AuditPage {
  readonly entries: AuditRecord[];
  /** Pass as `after` for the next page; absent on the last page. */
  readonly next?: number;
}

/** The audit log on the `audit_log` table, plus reading it back. */
export interface StoredAuditLog extends AuditLog {
  list(options?: { after?: number; limit?: number }): Promise<AuditPage>;
}

const MAX_TEXT = 512;
const MAX_LIMIT = 1000;

function checkEntry(entry: AuditEntry): Record<string, unknown> {
  for (const field of ['actor', 'action', 'target'] as const) {
    const v = entry[field];
    if (typeof v !== 'string' || v.length === 0 || v.length > MAX_TEXT) {
      throw auditError('FW_AUDIT_ENTRY_INVALID', `audit ${field} must be 1..${MAX_TEXT} characters`);
    }
  }
  const details = entry.details ?? {};
  if (typeof details !== 'object' || Array.isArray(details)) {
    throw auditError('FW_AUDIT_ENTRY_INVALID', 'audit details must be a JSON object');
  }
  // The JSON round trip is what jsonb will give back, so the hash covers what is stored.
  return JSON.parse(JSON.stringify(details)) as Record<string, unknown>;
}

// Serializes appends: a transaction-scoped advisory lock (PostgreSQL; PGlite runs one
// transaction at a time anyway, and takes the same lock), per schema.
const LOCK = 'select pg_advisory_xact_lock(7262004, hashtext(current_schema()))';

async function appendIn(tx: Sql, clock: Clock, entry: AuditEntry, details: Record<string, unknown>): Promise<void> {
  await tx.query(LOCK);
  // Chain from the anchor when there is one: rows cut from the tail then leave a gap that
  // verification reports, instead of being silently papered over by the next append.
  const head = (await readAnchor(tx)) ?? (await readLastRow(tx));
  const seq = (head?.seq ?? 0) + 1;
  const prevHash = head?.hash ?? GENESIS_HASH;
  const now = clock.now();
  const at = now.toISOString();
  const { actor, action, target } = entry;
  const hash = chainHash(prevHash, { seq, at, actor, action, target, details });
  await tx.query(
    `insert into audit_log (seq, at, actor, action, target, details, prev_hash, hash)
     values ($1, $2, $3, $4, $5, $6::jsonb, $7, $8)`,
    [seq, at, actor, action, target, JSON.stringify(details), prevHash, hash],
  );
  await writeAnchor(tx, { seq, hash }, now);
}

/**
 * Creates the hash-chained audit log over `store`. `at` comes from `clock`. Appends take a
 * transaction-scoped lock until commit: pass `tx` to append inside your transaction, and do
 * it last in it (locks taken after it could deadlock with another appender). Inside a
 * transaction, never append without `tx`: on PGlite that waits for your own transaction.
 */
export function createAuditLog(store: Store, clock: Clock): StoredAuditLog {
  return {
    async append(entry, tx) {
      const details = checkEntry(entry);
      if (tx) return appendIn(tx, clock, entry, details);
      return store.transaction((own) => appendIn(own, clock, entry, details));
    },
    async list(options = {}) {
      const after = Math.max(0, Math.trunc(options.after ?? 0));
      const limit = Math.min(MAX_LIMIT, Math.max(1, Math.trunc(options.limit ?? 100)));
      const r = await store.query<AuditRow>(
        `select ${ROW_COLUMNS} from audit_log where seq > $1 order by audit_log.seq limit $2`,
        [after, limit + 1],
      );
      const entries = r.rows.slice(0, limit).map(toRecord);
      const last = entries.at(-1);
      return r.rows.length > limit && last ? { entries, next: last.seq } : { entries };
    },
  };
}
