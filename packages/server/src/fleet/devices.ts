import type { DeviceState } from '../kernel/index.js';
import type { Sql } from '../store/index.js';

export interface DeviceSummary {
  readonly id: string;
  readonly model: string;
  readonly state: DeviceState;
  readonly enrolledVia: 'claim' | 'idevid';
  readonly enrolledAt: string;
  readonly updatedAt: string;
}

export interface DeviceCertificate {
  readonly serial: string;
  readonly fingerprint: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly status: 'valid' | 'superseded' | 'revoked';
  readonly revokedAt: string | null;
}

export interface DeviceDetail extends DeviceSummary {
  readonly certificates: readonly DeviceCertificate[];
}

interface DeviceRow {
  id: string;
  model: string;
  state: DeviceState;
  enrolled_via: 'claim' | 'idevid';
  enrolled_at: Date;
  updated_at: Date;
}

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

function toSummary(r: DeviceRow): DeviceSummary {
  return {
    id: r.id,
    model: r.model,
    state: r.state,
    enrolledVia: r.enrolled_via,
    enrolledAt: iso(r.enrolled_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

export interface DeviceFilter {
  readonly model?: string | undefined;
  readonly state?: DeviceState | undefined;
  readonly after?: string | undefined;
  readonly limit?: number | undefined;
}

/** Devices ordered by id, keyset-paginated with `after`. */
export async function listDevices(sql: Sql, f: DeviceFilter = {}): Promise<DeviceSummary[]> {
  const r = await sql.query<DeviceRow>(
    `select id, model, state, enrolled_via, enrolled_at, updated_at from devices
     where ($1::text is null or model = $1) and ($2::text is null or state = $2) and ($3::text is null or id > $3)
     order by id limit $4`,
    [f.model ?? null, f.state ?? null, f.after ?? null, Math.min(Math.max(f.limit ?? 100, 1), 1000)],
  );
  return r.rows.map(toSummary);
}

export async function getDevice(sql: Sql, id: string): Promise<DeviceDetail | undefined> {
  const d = await sql.query<DeviceRow>(
    'select id, model, state, enrolled_via, enrolled_at, updated_at from devices where id = $1',
    [id],
  );
  const row = d.rows[0];
  if (!row) return undefined;
  const c = await sql.query<{
    serial: string;
    fingerprint: string;
    not_before: Date;
    not_after: Date;
    status: DeviceCertificate['status'];
    revoked_at: Date | null;
  }>(
    `select serial, fingerprint, not_before, not_after, status, revoked_at from certificates
     where device_id = $1 order by not_before desc`,
    [id],
  );
  return {
    ...toSummary(row),
    certificates: c.rows.map((x) => ({
      serial: x.serial,
      fingerprint: x.fingerprint,
      notBefore: iso(x.not_before)!,
      notAfter: iso(x.not_after)!,
      status: x.status,
      revokedAt: iso(x.revoked_at),
    })),
  };
}

/** Counts by state, for the dashboard and /metrics. */
export async function countDevices(sql: Sql): Promise<Record<DeviceState, number>> {
  const r = await sql.query<{ state: DeviceState; n: number }>(
    'select state, count(*)::int as n from devices group by state',
  );
  const out: Record<DeviceState, number> = { active: 0, quarantined: 0, revoked: 0, retired: 0 };
  for (const row of r.rows) out[row.state] = row.n;
  return out;
}
