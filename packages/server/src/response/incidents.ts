import { randomId } from '../kernel/index.js';
import type { Sql } from '../store/index.js';
import type { Severity } from '../monitor/index.js';
import { SEVERITIES } from '../monitor/index.js';
import { responseError } from './errors.js';

export type IncidentState = 'open' | 'contained' | 'resolved';

export interface TimelineEntry {
  readonly at: string;
  readonly entry: 'alert' | 'step' | 'note';
  readonly stepKey: string | null;
  readonly details: Record<string, unknown>;
}

export interface Incident {
  readonly id: string;
  readonly deviceId: string;
  readonly state: IncidentState;
  readonly severity: Severity;
  readonly openedAt: string;
  readonly updatedAt: string;
  readonly resolvedAt: string | null;
}

export interface IncidentDetail extends Incident {
  readonly timeline: readonly TimelineEntry[];
}

interface Row {
  id: string;
  device_id: string;
  state: IncidentState;
  severity: Severity;
  opened_at: Date;
  updated_at: Date;
  resolved_at: Date | null;
}

const COLUMNS = 'id, device_id, state, severity, opened_at, updated_at, resolved_at';

/** The device's incident that is not resolved, or a new one: one open incident per device. */
export async function openIncident(tx: Sql, deviceId: string, severity: Severity, at: Date): Promise<Incident> {
  const found = await tx.query<Row>(`select ${COLUMNS} from incidents where device_id = $1 and state <> 'resolved'`, [
    deviceId,
  ]);
  const current = found.rows[0];
  if (current === undefined) {
    const r = await tx.query<Row>(
      `insert into incidents (id, device_id, state, severity, opened_at, updated_at) values ($1, $2, 'open', $3, $4, $4)
       returning ${COLUMNS}`,
      [randomId('inc'), deviceId, severity, at],
    );
    return toIncident(r.rows[0]!);
  }
  if (SEVERITIES.indexOf(severity) <= SEVERITIES.indexOf(current.severity)) return toIncident(current);
  const r = await tx.query<Row>(
    `update incidents set severity = $2, updated_at = $3 where id = $1 returning ${COLUMNS}`,
    [current.id, severity, at],
  );
  return toIncident(r.rows[0]!);
}

export async function setIncidentState(tx: Sql, id: string, state: IncidentState, at: Date): Promise<void> {
  await tx.query(
    `update incidents set state = $2, updated_at = $3, resolved_at = case when $2 = 'resolved' then $3 else resolved_at end
     where id = $1`,
    [id, state, at],
  );
}

/** Appends to the timeline; with a step key, only once (false when it was there already). */
export async function addTimeline(
  tx: Sql,
  incidentId: string,
  at: Date,
  entry: TimelineEntry['entry'],
  details: Record<string, unknown>,
  stepKey?: string,
): Promise<boolean> {
  const r = await tx.query(
    `insert into incident_timeline (incident_id, at, entry, step_key, details) values ($1, $2, $3, $4, $5)
     on conflict (incident_id, step_key) where step_key is not null do nothing`,
    [incidentId, at, entry, stepKey ?? null, JSON.stringify(details)],
  );
  return r.rowCount === 1;
}

/** Step keys of an incident already recorded. */
export async function doneSteps(tx: Sql, incidentId: string): Promise<Set<string>> {
  const r = await tx.query<{ step_key: string }>(
    'select step_key from incident_timeline where incident_id = $1 and step_key is not null',
    [incidentId],
  );
  return new Set(r.rows.map((x) => x.step_key));
}

export async function getIncident(tx: Sql, id: string): Promise<IncidentDetail> {
  const r = await tx.query<Row>(`select ${COLUMNS} from incidents where id = $1`, [id]);
  if (r.rows[0] === undefined) throw responseError('FW_RESPONSE_INCIDENT_NOT_FOUND', `no incident ${id}`);
  const t = await tx.query<{
    at: Date;
    entry: TimelineEntry['entry'];
    step_key: string | null;
    details: Record<string, unknown>;
  }>('select at, entry, step_key, details from incident_timeline where incident_id = $1 order by id', [id]);
  return {
    ...toIncident(r.rows[0]),
    timeline: t.rows.map((x) => ({ at: x.at.toISOString(), entry: x.entry, stepKey: x.step_key, details: x.details })),
  };
}

export async function listIncidents(
  tx: Sql,
  q: { state?: IncidentState; deviceId?: string; limit?: number } = {},
): Promise<Incident[]> {
  const r = await tx.query<Row>(
    `select ${COLUMNS} from incidents where ($1::text is null or state = $1) and ($2::text is null or device_id = $2)
     order by opened_at desc, id limit $3`,
    [q.state ?? null, q.deviceId ?? null, q.limit ?? 100],
  );
  return r.rows.map(toIncident);
}

function toIncident(r: Row): Incident {
  return {
    id: r.id,
    deviceId: r.device_id,
    state: r.state,
    severity: r.severity,
    openedAt: r.opened_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    resolvedAt: r.resolved_at?.toISOString() ?? null,
  };
}
