import type { Sql } from '../../store/index.js';
import type { MetricSource, MetricValue } from '../types.js';

/** Traffic counters are deltas per report (Device Defender): a window holds their sum. */
const SUMMED = /^(all|num)-(bytes|packets)-(in|out)$/;
const SOURCES: readonly MetricSource[] = ['device', 'gateway'];

/**
 * Limits of one (device, source, window) entry, next to the per-report ones (REPORT_LIMITS in
 * report.ts: 64 metrics a report). `names`: distinct metric names kept. A report passes every
 * per-report limit on its own, yet one with 64 new names each time would grow the entry (and the
 * row written at the window's close) without bound, so names past the cap are dropped from the
 * window (not refused: the report stays valid and the detector still sees all of it) and counted.
 * Reserved names (the Device Defender vocabulary and the metrics of the profiles' behaviors) are
 * always kept and do not count against the cap. `listItems`: members kept of a merged set.
 */
export const WINDOW_LIMITS = { names: 128, listItems: 4096 } as const;

interface Entry {
  reports: number;
  metrics: Record<string, MetricValue>;
  /** Names counted against WINDOW_LIMITS.names (reserved names are not). */
  names: number;
  /** New names dropped past the cap in this window. */
  dropped: number;
}

/**
 * Metrics of the current window, merged per device and source (sums for traffic counters,
 * maxima for gauges, unions for sets), written as one row per device, source and window when
 * the window closes. Up to one window of metrics lives only in memory (documented trade-off).
 */
export class WindowBook {
  #entries = new Map<string, Entry>();

  /** `reserved`: names always kept, outside the cap (a small set the server controls). */
  constructor(private readonly reserved: (name: string) => boolean = () => false) {}

  /**
   * Merges a report into the device's entry. Returns how many of its names were new to the entry
   * and dropped because the entry already holds WINDOW_LIMITS.names names (0 almost always).
   */
  add(deviceId: string, source: MetricSource, metrics: Readonly<Record<string, MetricValue>>): number {
    const key = `${source}\0${deviceId}`;
    let e = this.#entries.get(key);
    if (e === undefined) this.#entries.set(key, (e = { reports: 0, metrics: {}, names: 0, dropped: 0 }));
    e.reports++;
    let dropped = 0;
    for (const [name, v] of Object.entries(metrics)) {
      const had = Object.hasOwn(e.metrics, name) ? e.metrics[name] : undefined;
      if (had === undefined && !this.reserved(name)) {
        if (e.names >= WINDOW_LIMITS.names) {
          dropped++;
          continue;
        }
        e.names++;
      }
      e.metrics[name] = merge(name, had, v);
    }
    e.dropped += dropped;
    return dropped;
  }

  /** New names dropped so far in the current window from this device's entry. */
  dropped(deviceId: string, source: MetricSource): number {
    return this.#entries.get(`${source}\0${deviceId}`)?.dropped ?? 0;
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
    const rows = [...this.#entries].map(([key, { reports, metrics }]) => {
      const i = key.indexOf('\0');
      return { source: key.slice(0, i) as MetricSource, deviceId: key.slice(i + 1), reports, metrics };
    });
    this.#entries = new Map();
    return rows;
  }
}

function merge(name: string, a: MetricValue | undefined, b: MetricValue): MetricValue {
  if (a === undefined) return b;
  if (typeof a === 'number' && typeof b === 'number') return SUMMED.test(name) ? a + b : Math.max(a, b);
  if (Array.isArray(a) && Array.isArray(b))
    return [...new Set([...a, ...b])].slice(0, WINDOW_LIMITS.listItems) as MetricValue;
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
