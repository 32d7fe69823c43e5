import type { Sql } from '../store/index.js';

/** Key in `settings` of the anchor: the newest (seq, hash), so a cut tail shows. */
export const HEAD_KEY = 'audit.head';

export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
}

function parseHead(value: unknown): ChainHead | undefined {
  const v = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  if (!v || typeof v !== 'object') return undefined;
  const { seq, hash } = v as Record<string, unknown>;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || typeof hash !== 'string') return undefined;
  return { seq, hash };
}

/** The anchor, or undefined when it is missing or malformed. */
export async function readAnchor(sql: Sql): Promise<ChainHead | undefined> {
  const r = await sql.query<{ value: unknown }>('select value from settings where key = $1', [HEAD_KEY]);
  return r.rows[0] ? parseHead(r.rows[0].value) : undefined;
}

export async function writeAnchor(sql: Sql, head: ChainHead, at: Date): Promise<void> {
  await sql.query(
    `insert into settings (key, value, updated_at) values ($1, $2::jsonb, $3)
     on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at`,
    [HEAD_KEY, JSON.stringify(head), at],
  );
}

/** The last row actually stored. */
export async function readLastRow(sql: Sql): Promise<ChainHead | undefined> {
  const r = await sql.query<{ seq: string; hash: string }>(
    'select seq::text as seq, hash from audit_log order by audit_log.seq desc limit 1',
  );
  const row = r.rows[0];
  return row ? { seq: Number(row.seq), hash: row.hash } : undefined;
}
