import type { Sql } from '../../store/index.js';

/**
 * Retention inside telemetry chunks (docs/decisions/0012-telemetry-chunks.md): the same rules as
 * for rows, applied to the records of each chunk. A chunk is rewritten in one statement, its
 * records kept in order; one whose records are all gone is deleted. Each call handles at most
 * `limit` chunks and reports how many it touched (to go on while a batch was full) and how many
 * records or values it removed (the evidence).
 */
export interface ChunkStep {
  readonly chunks: number;
  readonly removed: number;
}

/** A chunk's records with their receive time, for the statements below. */
const RECORDS = `cross join lateral (
    select a.r, a.o, c.first_at + (a.r ->> 0)::bigint * interval '1 millisecond' as t
    from json_array_elements(c.records::json) with ordinality as a(r, o)) e`;

/** Removes field $3 from the records of model $1 received before $2. */
const DROP_FIELD = `with x as (
    select c.id,
      count(*) filter (where e.t < $2 and (e.r -> 2)::jsonb ? $3) as n,
      json_agg(case when e.t < $2 then json_build_array(e.r -> 0, e.r -> 1, (e.r -> 2)::jsonb - $3) else e.r end
               order by e.o)::text as records
    from telemetry_chunks c join devices d on d.id = c.device_id ${RECORDS}
    where d.model = $1 and c.first_at < $2
    group by c.id
    having count(*) filter (where e.t < $2 and (e.r -> 2)::jsonb ? $3) > 0
    limit $4),
  u as (update telemetry_chunks c set records = x.records from x where c.id = x.id returning x.n)
  select count(*)::int as chunks, coalesce(sum(n), 0)::int as removed from u`;

/**
 * Deletes the records of model $1 received before $2, or before $3 with no field left; keeps
 * `last_at` exact (the newest kept record), which the telemetry query relies on.
 */
const DROP_RECORDS = `with x as (
    select c.id,
      count(*) filter (where e.t < $2 or (e.t < $3 and (e.r -> 2)::jsonb = '{}'::jsonb)) as n,
      json_agg(e.r order by e.o) filter (where not (e.t < $2 or (e.t < $3 and (e.r -> 2)::jsonb = '{}'::jsonb)))::text
        as records,
      max(e.t) filter (where not (e.t < $2 or (e.t < $3 and (e.r -> 2)::jsonb = '{}'::jsonb))) as last_at
    from telemetry_chunks c join devices d on d.id = c.device_id ${RECORDS}
    where d.model = $1 and c.first_at < greatest($2::timestamptz, $3::timestamptz)
    group by c.id
    having count(*) filter (where e.t < $2 or (e.t < $3 and (e.r -> 2)::jsonb = '{}'::jsonb)) > 0
    limit $4),
  gone as (delete from telemetry_chunks c using x where c.id = x.id and x.records is null returning x.n),
  kept as (update telemetry_chunks c set records = x.records, last_at = x.last_at
           from x where c.id = x.id and x.records is not null returning x.n)
  select (select count(*) from x)::int as chunks,
    ((select coalesce(sum(n), 0) from gone) + (select coalesce(sum(n), 0) from kept))::int as removed`;

export async function dropChunkField(
  sql: Sql,
  model: string,
  cutoff: Date,
  field: string,
  limit: number,
): Promise<ChunkStep> {
  const r = await sql.query<ChunkStep>(DROP_FIELD, [model, cutoff, field, limit]);
  return r.rows[0] ?? { chunks: 0, removed: 0 };
}

export async function dropChunkRecords(
  sql: Sql,
  model: string,
  before: Date,
  emptyBefore: Date,
  limit: number,
): Promise<ChunkStep> {
  const r = await sql.query<ChunkStep>(DROP_RECORDS, [model, before, emptyBefore, limit]);
  return r.rows[0] ?? { chunks: 0, removed: 0 };
}
