import type { Migration } from './index.js';

/**
 * Telemetry in two layouts behind one view (docs/decisions/0012-telemetry-chunks.md):
 *
 * - `telemetry_rows`: one row per record (the former `telemetry` table, renamed with its data,
 *   indexes and id sequence). Records with a message id always land here: their deduplication
 *   is the unique index on (device_id, message_id).
 * - `telemetry_chunks`: one row for the records without a message id that one device sent within
 *   one group commit, when they are enough of them (the TelemetryWriter decides). PostgreSQL pays
 *   its per-row costs (tuple, index entries, WAL record, executor) once per chunk instead of once
 *   per record: on the embedded store about 3 µs per record instead of 15–20.
 *
 * A chunk's `records` is a JSON array of `[offset ms from first_at, device time or null, fields]`
 * elements, in arrival order. It is `text`, not `json`: the writer serializes it from records
 * that `parseTelemetry` validated, and the `json` type would parse every record again on insert;
 * the view casts it when read. Chunk ids come from the rows' sequence, so ids order both layouts
 * by insertion; `ord` orders the records within a chunk (0 for rows).
 *
 * Readers select from the view `telemetry` (device_id, message_id, received_at, device_time,
 * fields jsonb, id, ord); writers name the layout they change.
 */
export const telemetryChunks: Migration = {
  version: 13,
  name: 'telemetry-chunks',
  statements: [
    'alter table telemetry rename to telemetry_rows',
    `create table telemetry_chunks (
      id bigint primary key default nextval('telemetry_id_seq'),
      device_id text not null,
      first_at timestamptz not null,
      last_at timestamptz not null,
      records text not null
    )`,
    'create index telemetry_chunks_device_time on telemetry_chunks (device_id, last_at desc, id desc)',
    'create index telemetry_chunks_first on telemetry_chunks (first_at)',
    `create view telemetry as
      select id, device_id, message_id, received_at, device_time, fields, 0::int as ord from telemetry_rows
      union all
      select c.id, c.device_id, null::text, c.first_at + (e.r ->> 0)::bigint * interval '1 millisecond',
             (e.r ->> 1)::timestamptz, (e.r -> 2)::jsonb, e.o::int
      from telemetry_chunks c cross join lateral json_array_elements(c.records::json) with ordinality as e(r, o)`,
  ],
};
