import { randomId, type Clock } from '../../kernel/index.js';
import type { Sql, Store } from '../../store/index.js';
import { monitorError } from '../errors.js';
import type { AlarmChange, AlertKind, Severity } from '../types.js';

/** An alert as stored and served: which device, which behavior, observed against expected. */
export interface Alert {
  readonly id: string;
  readonly deviceId: string;
  readonly profile: string;
  readonly behavior: string;
  readonly kind: AlertKind;
  readonly severity: Severity;
  readonly state: 'active' | 'cleared';
  readonly observed: unknown;
  readonly expected: unknown;
  /** Violating datapoints folded into this alert (deduplication). */
  readonly datapoints: number;
  readonly firstAt: string;
  readonly lastAt: string;
  readonly clearedAt: string | null;
  readonly incidentId: string | null;
}

/** An alert after a change; `change` says what happened to it. */
export interface AlertEvent {
  readonly change: AlarmChange['change'];
  readonly alert: Alert;
}

interface Row {
  id: string;
  device_id: string;
  profile: string;
  behavior: string;
  kind: AlertKind;
  severity: Severity;
  state: 'active' | 'cleared';
  observed: unknown;
  expected: unknown;
  datapoints: number;
  first_at: Date;
  last_at: Date;
  cleared_at: Date | null;
  incident_id: string | null;
}

const COLUMNS = `id, device_id, profile, behavior, kind, severity, state, observed, expected, datapoints,
  first_at, last_at, cleared_at, incident_id`;

/**
 * Applies alarm changes to the stored alerts: one active alert per device, profile and
 * behavior; repeats update it (deduplicated), escalations raise its severity, clears close it.
 */
export async function applyChange(sql: Sql, c: AlarmChange): Promise<AlertEvent | undefined> {
  const found = await sql.query<Row>(
    `select ${COLUMNS} from alerts where device_id = $1 and profile = $2 and behavior = $3 and state = 'active'`,
    [c.deviceId, c.profile, c.behavior],
  );
  const current = found.rows[0];
  const obs = JSON.stringify(c.observed ?? null);
  const exp = JSON.stringify(c.expected ?? null);
  if (current === undefined) {
    if (c.change === 'cleared') return undefined;
    const r = await sql.query<Row>(
      `insert into alerts (id, device_id, profile, behavior, kind, severity, state, observed, expected, datapoints,
         first_at, last_at)
       values ($1, $2, $3, $4, $5, $6, 'active', $7, $8, 1, $9, $9) returning ${COLUMNS}`,
      [randomId('al'), c.deviceId, c.profile, c.behavior, c.kind, c.severity, obs, exp, c.at],
    );
    return { change: 'raised', alert: toAlert(r.rows[0]!) };
  }
  const r =
    c.change === 'cleared'
      ? await sql.query<Row>(
          `update alerts set state = 'cleared', cleared_at = $2, last_at = $2 where id = $1 returning ${COLUMNS}`,
          [current.id, c.at],
        )
      : await sql.query<Row>(
          `update alerts set datapoints = datapoints + 1, last_at = $2, observed = $3, expected = $4, severity = $5
           where id = $1 returning ${COLUMNS}`,
          [current.id, c.at, obs, exp, c.severity],
        );
  return { change: c.change === 'raised' ? 'repeated' : c.change, alert: toAlert(r.rows[0]!) };
}

export async function linkIncident(sql: Sql, alertId: string, incidentId: string): Promise<void> {
  await sql.query('update alerts set incident_id = $2 where id = $1', [alertId, incidentId]);
}

export interface AlertQuery {
  readonly state?: 'active' | 'cleared';
  readonly deviceId?: string;
  readonly limit?: number;
}

export async function listAlerts(sql: Sql, q: AlertQuery = {}): Promise<Alert[]> {
  const r = await sql.query<Row>(
    `select ${COLUMNS} from alerts where ($1::text is null or state = $1) and ($2::text is null or device_id = $2)
     order by last_at desc, id limit $3`,
    [q.state ?? null, q.deviceId ?? null, q.limit ?? 100],
  );
  return r.rows.map(toAlert);
}

export async function getAlert(sql: Sql, id: string): Promise<Alert> {
  const r = await sql.query<Row>(`select ${COLUMNS} from alerts where id = $1`, [id]);
  if (r.rows[0] === undefined) throw monitorError('FW_MONITOR_ALERT_NOT_FOUND', `no alert ${id}`);
  return toAlert(r.rows[0]);
}

/** Closes the active alerts of a device (an operator released it); returns how many. */
export async function clearDeviceAlerts(store: Store, clock: Clock, deviceId: string): Promise<number> {
  const r = await store.query(
    `update alerts set state = 'cleared', cleared_at = $2, last_at = $2 where device_id = $1 and state = 'active'`,
    [deviceId, clock.now()],
  );
  return r.rowCount;
}

function toAlert(r: Row): Alert {
  return {
    id: r.id,
    deviceId: r.device_id,
    profile: r.profile,
    behavior: r.behavior,
    kind: r.kind,
    severity: r.severity,
    state: r.state,
    observed: r.observed,
    expected: r.expected,
    datapoints: r.datapoints,
    firstAt: r.first_at.toISOString(),
    lastAt: r.last_at.toISOString(),
    clearedAt: r.cleared_at?.toISOString() ?? null,
    incidentId: r.incident_id,
  };
}
