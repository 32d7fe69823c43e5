import type { Store } from '../store/index.js';

export interface TelemetryRow {
  readonly messageId: string | null;
  readonly receivedAt: string;
  readonly deviceTime: string | null;
  readonly fields: Record<string, unknown>;
}

export interface TelemetryQuery {
  /** ISO time: only records received at or after it. */
  readonly since?: string | undefined;
  readonly limit?: number | undefined;
}

/**
 * The newest records of a device from both layouts (docs/decisions/0012-telemetry-chunks.md).
 * Chunks are read newest `last_at` (then id) first, at most `limit` of them: each holds a record
 * received at its `last_at`, so those chunks' last records come before any record of a chunk
 * further down that order (the outer order breaks ties by id as well), and the newest `limit`
 * chunk records are all among them. A device's older chunks are never unpacked.
 */
const NEWEST = `(select id, 0 as ord, message_id, received_at, device_time, fields from telemetry_rows
    where device_id = $1 and ($2::timestamptz is null or received_at >= $2::timestamptz)
    order by received_at desc, id desc limit $3)
  union all
  (select id, ord, null, received_at, device_time, fields from (
     select c.id, e.o::int as ord, c.first_at + (e.r ->> 0)::bigint * interval '1 millisecond' as received_at,
            (e.r ->> 1)::timestamptz as device_time, (e.r -> 2)::jsonb as fields
     from (select id, first_at, records from telemetry_chunks
           where device_id = $1 and ($2::timestamptz is null or last_at >= $2::timestamptz)
           order by last_at desc, id desc limit $3) c
     cross join lateral json_array_elements(c.records::json) with ordinality as e(r, o)) x
   where $2::timestamptz is null or received_at >= $2::timestamptz)
  order by received_at desc, id desc, ord desc limit $3`;

/** Newest first. */
export async function listTelemetry(store: Store, deviceId: string, q: TelemetryQuery = {}): Promise<TelemetryRow[]> {
  const limit = Math.min(Math.max(q.limit ?? 100, 1), 1000);
  const r = await store.query<{
    message_id: string | null;
    received_at: Date;
    device_time: Date | null;
    fields: Record<string, unknown> | string;
  }>(NEWEST, [deviceId, q.since ?? null, limit]);
  return r.rows.map((row) => ({
    messageId: row.message_id,
    receivedAt: new Date(row.received_at).toISOString(),
    deviceTime: row.device_time ? new Date(row.device_time).toISOString() : null,
    fields: typeof row.fields === 'string' ? (JSON.parse(row.fields) as Record<string, unknown>) : row.fields,
  }));
}
