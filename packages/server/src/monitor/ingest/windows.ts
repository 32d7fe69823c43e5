import type { Sql } from '../../store/index.js';
import type { MetricSource, MetricValue } from '../types.js';

/** Traffic counters are deltas per report (Device Defender): a window holds their sum. */
const SUMMED = /^(all|num)-(bytes|packets)-(in|out)$/;
const MAX_LIST = 4096;
const SOURCES: readonly MetricSource[] = ['device', 'gateway'];

interface Entry {
  reports: number;
  metrics: Record<string, MetricValue>;
}

/**
 * Metrics of the current window, merged per device and source (sums for traffic counters,
 * maxima for gauges, unions for sets), written as one row per device, source and window when
 * the window closes. Up to one window of metrics lives only in memory (documented trade-off).
 */
export class WindowBook {
  #entries = new Map<string, Entry>();

  add(deviceId: string, source: MetricSource, metrics: Readonly<Record<string, MetricValue>>): void {
    const key = `${source}\0${deviceId}`;
    const e = this.#entries.get(key);
    if (e === undefined) {
      this.#entries.set(key, { reports: 1, metrics: { ...metrics } });
      return;
    }
    e.reports++;
    for (const [name, v] of Object.entries(metrics)) e.metrics[name] = merge(name, e.metrics[name], v);
  }

  /** The current window's rows of one device, left in place (a copy). */
  peek(deviceId: string): { source: MetricSource; reports: number; metrics: Record<string, MetricValue> }[] {
    const rows = [];
    for (const source of SOURCES) {
      const e = this.#entries.get(`${source}\0${deviceId}`);
      if (e !== undefined) rows.push({ source, reports: e.reports, metrics: structuredClone(e.metrics) });
    }
    return rows;
  }

  /** Takes the window's rows (and starts an empty one). */
  take(): { deviceId: string; source: MetricSource; reports: number; metrics: Record<string, MetricValue> }[] {
    const rows = [...this.#entries].map(([key, e]) => {
      const i = key.indexOf('\0');
      return { source: key.slice(0, i) as MetricSource, deviceId: key.slice(i + 1), ...e };
    });
    this.#entries = new Map();
    return rows;
  }
}

function merge(name: string, a: MetricValue | undefined, b: MetricValue): MetricValue {
  if (a === undefined) return b;
  if (typeof a === 'number' && typeof b === 'number') return SUMMED.test(name) ? a + b : Math.max(a, b);
  if (Array.isArray(a) && Array.isArray(b)) return [...new Set([...a, ...b])].slice(0, MAX_LIST) as MetricValue;
  return b;
}

/** Writes the rows of one closed window (one statement, whatever the fleet size). */
export async function writeWindow(
  sql: Sql,
  start: Date,
  windowMs: number,
  rows: ReturnType<WindowBook['take']>,
): Promise<void> {
  if (rows.length === 0) return;
  const data = rows.map((r) => ({ d: r.deviceId, s: r.source, r: r.reports, m: r.metrics }));
  await sql.query(
    `insert into monitor_windows (device_id, source, window_start, window_ms, reports, metrics)
     select x.d, x.s, $2, $3, x.r, x.m from jsonb_to_recordset($1::jsonb) as x(d text, s text, r int, m jsonb)
     on conflict (device_id, source, window_start)
     do update set reports = excluded.reports, metrics = excluded.metrics`,
    [JSON.stringify(data), start, windowMs],
  );
}

/** Retention: windows older than `before` go. */
export async function pruneWindows(sql: Sql, before: Date): Promise<number> {
  const r = await sql.query('delete from monitor_windows where window_start < $1', [before]);
  return r.rowCount;
}

export interface StoredWindow {
  readonly deviceId: string;
  readonly source: MetricSource;
  readonly windowStart: string;
  readonly windowMs: number;
  readonly reports: number;
  readonly metrics: Record<string, MetricValue>;
  /** True for the window still open (in memory, not stored yet); windowMs is then its age so far. */
  readonly open?: boolean;
}

export async function listWindows(sql: Sql, deviceId: string, limit: number): Promise<StoredWindow[]> {
  const r = await sql.query<{
    device_id: string;
    source: MetricSource;
    window_start: Date;
    window_ms: number;
    reports: number;
    metrics: Record<string, MetricValue>;
  }>(
    `select device_id, source, window_start, window_ms, reports, metrics from monitor_windows
     where device_id = $1 order by window_start desc, source limit $2`,
    [deviceId, limit],
  );
  return r.rows.map((x) => ({
    deviceId: x.device_id,
    source: x.source,
    windowStart: x.window_start.toISOString(),
    windowMs: x.window_ms,
    reports: x.reports,
    metrics: x.metrics,
  }));
}
