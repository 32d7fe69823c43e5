import { parseTelemetry, type TelemetryValue } from '@fleetward/protocol';
import type { Clock } from '../kernel/index.js';
import type { Store } from '../store/index.js';

export interface IngestResult {
  /** False when a record with the same message id was stored before (a redelivery). */
  readonly stored: boolean;
}

type Fields = Readonly<Record<string, TelemetryValue>>;

export interface IngestOptions {
  /**
   * Minimization before the insert (privacy: catalog and consent). Returns the fields that may be
   * stored; when none remain the record keeps only its message id and times (delivery and
   * deduplication still hold). Synchronous when its decision is cached.
   */
  readonly minimize?: (deviceId: string, fields: Fields) => Fields | Promise<Fields>;
}

/**
 * Stores one telemetry payload: validated (FW_TELEMETRY_INVALID otherwise), stamped with the
 * server's time, deduplicated on the device's message id. Resolves once committed, so the
 * gateway may acknowledge a QoS 1 publish: at least once, and exactly once per message id.
 */
export async function ingestTelemetry(
  store: Store,
  clock: Clock,
  deviceId: string,
  payload: Uint8Array,
  options: IngestOptions = {},
): Promise<IngestResult> {
  const record = parseTelemetry(payload);
  const fields = options.minimize ? await options.minimize(deviceId, record.fields) : record.fields;
  const r = await store.query(
    `insert into telemetry_rows (device_id, message_id, received_at, device_time, fields)
     values ($1, $2, $3, $4, $5)
     on conflict (device_id, message_id) where message_id is not null do nothing`,
    [deviceId, record.messageId ?? null, clock.now(), record.deviceTime ?? null, JSON.stringify(fields)],
  );
  return { stored: r.rowCount > 0 };
}
