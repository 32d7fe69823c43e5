import type { Store } from '../../store/index.js';
import type { DeviceDecision } from '../minimize/index.js';
import type { Pseudonyms } from './pseudonyms.js';

export interface DatasetRow {
  /** Keyed pseudonym of the device for this purpose: never the raw id. */
  readonly subject: string;
  readonly receivedAt: string;
  readonly fields: Record<string, unknown>;
}

export interface DatasetQuery {
  readonly model: string;
  readonly purpose: string;
  readonly since?: string | undefined;
  readonly limit?: number | undefined;
}

/**
 * A pseudonymised extract for one purpose (GDPR Art. 5(1)(b) purpose limitation, Art. 25):
 * only fields declared for the purpose and permitted by each owner's consent, keyed
 * pseudonyms instead of device ids, and no message ids or device times (they can link rows).
 */
export async function pseudonymousDataset(
  store: Store,
  pseudonyms: Pseudonyms,
  decision: (deviceId: string) => Promise<DeviceDecision>,
  q: DatasetQuery,
): Promise<DatasetRow[]> {
  const r = await store.query<{
    device_id: string;
    received_at: Date | string;
    fields: Record<string, unknown> | string;
  }>(
    `select t.device_id, t.received_at, t.fields from telemetry t join devices d on d.id = t.device_id
     where d.model = $1 and ($2::timestamptz is null or t.received_at >= $2::timestamptz)
     order by t.received_at, t.id, t.ord limit $3`,
    [q.model, q.since ?? null, Math.min(Math.max(q.limit ?? 1000, 1), 10_000)],
  );
  const out: DatasetRow[] = [];
  for (const row of r.rows) {
    const d = await decision(row.device_id);
    const all = typeof row.fields === 'string' ? (JSON.parse(row.fields) as Record<string, unknown>) : row.fields;
    const fields: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(all)) if (d.permits(k, q.purpose)) fields[k] = v;
    if (Object.keys(fields).length === 0) continue;
    out.push({
      subject: await pseudonyms.pseudonym(q.purpose, 'device', row.device_id),
      receivedAt: new Date(row.received_at).toISOString(),
      fields,
    });
  }
  return out;
}
