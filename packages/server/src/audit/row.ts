import type { ChainedFields } from './canonical.js';

/** One stored audit entry, as listed by the API. */
export interface AuditRecord extends ChainedFields {
  readonly prevHash: string;
  readonly hash: string;
}

export interface AuditRow {
  seq: string;
  at: Date | string;
  actor: string;
  action: string;
  target: string;
  details: unknown;
  prev_hash: string;
  hash: string;
}

export const ROW_COLUMNS = 'seq::text as seq, at, actor, action, target, details, prev_hash, hash';

export function toRecord(row: AuditRow): AuditRecord {
  const details = typeof row.details === 'string' ? (JSON.parse(row.details) as unknown) : row.details;
  return {
    seq: Number(row.seq),
    at: new Date(row.at).toISOString(),
    actor: row.actor,
    action: row.action,
    target: row.target,
    // kept as stored (even if not an object) so verification hashes exactly what is there
    details: (details ?? {}) as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
