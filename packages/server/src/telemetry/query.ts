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

/** Newest first. */
export async function listTelemetry(store: Store, deviceId: string, q: TelemetryQuery = {}): Promise<TelemetryRow[]> {
  const limit = Math.min(Math.max(q.limit ?? 100, 1), 1000);
  const r = await store.query<{
    message_id: string | null;
    received_at: Date;
    device_time: Date | null;
    fields: Record<string, unknown> | string;
  }>(
    `select message_id, received_at, device_time, fields from telemetry
     where device_id = $1 and ($2::timestamptz is null or received_at >= $2::timestamptz)
     order by received_at desc, id desc limit $3`,
    [deviceId, q.since ?? null, limit],
  );
  return r.rows.map((row) => ({
    messageId: row.message_id,
    receivedAt: new Date(row.received_at).toISOString(),
    deviceTime: row.device_time ? new Date(row.device_time).toISOString() : null,
    fields: typeof row.fields === 'string' ? (JSON.parse(row.fields) as Record<string, unknown>) : row.fields,
  }));
}
