import type { Store } from '../store/index.js';
import { chainHash, GENESIS_HASH } from './canonical.js';
import { readAnchor } from './head.js';
import { ROW_COLUMNS, toRecord, type AuditRow } from './row.js';

export type AuditBreak =
  | 'seq-gap' // a row is missing (deleted) or seq was changed
  | 'prev-hash-mismatch' // the row does not chain onto the one before it
  | 'hash-mismatch' // the row was edited after it was written
  | 'head-mismatch' // the tail differs from the anchor in settings: rows were cut or rewritten
  | 'head-missing'; // rows exist but the anchor was deleted

export interface AuditVerification {
  readonly ok: boolean;
  /** Rows checked (all of them when ok). */
  readonly entries: number;
  readonly firstBadSeq?: number;
  readonly reason?: AuditBreak;
}

const PAGE = 1000;

/**
 * Walks the whole chain: seq 1, 2, 3 … without gaps, each `prev_hash` equal to the hash
 * before, each hash recomputed. Catches edited, deleted, inserted and reordered rows. Cutting
 * rows off the tail leaves a valid shorter chain, so the head is compared with the anchor
 * (`settings` 'audit.head'), written in the same transaction as every append. Someone who can
 * rewrite both the table and the anchor can forge a consistent log: export the head
 * elsewhere (e.g. in backups or a ticket) to catch that.
 */
export async function verifyAuditLog(store: Store): Promise<AuditVerification> {
  let prevHash = GENESIS_HASH;
  let expected = 1;
  let entries = 0;
  for (;;) {
    const r = await store.query<AuditRow>(
      `select ${ROW_COLUMNS} from audit_log where seq >= $1 order by audit_log.seq limit $2`,
      [expected, PAGE],
    );
    for (const row of r.rows.map(toRecord)) {
      if (row.seq !== expected) return { ok: false, entries, firstBadSeq: expected, reason: 'seq-gap' };
      if (row.prevHash !== prevHash) return { ok: false, entries, firstBadSeq: row.seq, reason: 'prev-hash-mismatch' };
      if (chainHash(row.prevHash, row) !== row.hash) {
        return { ok: false, entries, firstBadSeq: row.seq, reason: 'hash-mismatch' };
      }
      prevHash = row.hash;
      expected += 1;
      entries += 1;
    }
    if (r.rows.length < PAGE) break;
  }
  // rows with seq below 1 are not part of any chain
  const stray = await store.query<{ n: number }>('select count(*)::int as n from audit_log where seq < 1');
  if ((stray.rows[0]?.n ?? 0) > 0) return { ok: false, entries, firstBadSeq: 0, reason: 'seq-gap' };
  const anchor = await readAnchor(store);
  if (!anchor)
    return entries === 0 ? { ok: true, entries } : { ok: false, entries, firstBadSeq: 1, reason: 'head-missing' };
  if (anchor.seq !== entries || anchor.hash !== prevHash) {
    // cut tail: the first missing row; extra rows: the first past the anchor; same length: the last
    const firstBadSeq = anchor.seq > entries ? entries + 1 : anchor.seq < entries ? anchor.seq + 1 : entries;
    return { ok: false, entries, firstBadSeq, reason: 'head-mismatch' };
  }
  return { ok: true, entries };
}
