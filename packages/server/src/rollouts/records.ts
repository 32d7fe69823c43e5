import type { Sql } from '../store/index.js';
import { FAILED_STATUSES, waveBounds, type DeviceStatus, type RolloutState } from './waves.js';

export interface RolloutRow {
  id: string;
  release: string;
  version: string;
  model: string;
  group_name: string | null;
  waves: number[] | string;
  max_failure_rate: number;
  wave_wait_ms: number | string | bigint;
  state: RolloutState;
  wave: number;
  wave_done_at: Date | string | null;
  wave_timeout_ms: number | string | bigint;
  wave_started_at: Date | string;
  waived_wave: number | null;
  pause_reason: string | null;
  created_by: string;
  created_at: Date | string;
  updated_at: Date | string;
}

export interface WaveView {
  readonly index: number;
  readonly percent: number;
  readonly size: number;
  readonly confirmed: number;
  readonly failed: number;
  /** Notified or reporting progress, not finished. */
  readonly inProgress: number;
  /** Not yet notified (the wave has not started, or the device is offline). */
  readonly pending: number;
}

/** A rollout as the API and the CLI show it. */
export interface RolloutView {
  readonly id: string;
  readonly release: string;
  readonly version: string;
  readonly model: string;
  readonly group: string | null;
  readonly state: RolloutState;
  readonly pauseReason: string | null;
  /** Current wave, 0-based. */
  readonly wave: number;
  readonly waves: readonly WaveView[];
  readonly maxFailureRate: number;
  readonly waveWaitMs: number;
  /** 0: a wave waits for all its devices. */
  readonly waveTimeoutMs: number;
  readonly devices: number;
  readonly confirmed: number;
  readonly failed: number;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export const wavesOf = (row: RolloutRow): number[] =>
  typeof row.waves === 'string' ? (JSON.parse(row.waves) as number[]) : row.waves;
const iso = (d: Date | string) => new Date(d).toISOString();

export async function loadRow(db: Sql, id: string): Promise<RolloutRow | undefined> {
  return (await db.query<RolloutRow>('select * from rollouts where id = $1', [id])).rows[0];
}

/** Counts per wave and status, folded into the view. */
export async function viewOf(db: Sql, row: RolloutRow): Promise<RolloutView> {
  const counts = await db.query<{ wave: number; status: DeviceStatus; n: number | string }>(
    'select wave, status, count(*) as n from rollout_devices where rollout_id = $1 group by wave, status',
    [row.id],
  );
  const percents = wavesOf(row);
  const waves = percents.map((percent, index) => ({
    index,
    percent,
    size: 0,
    confirmed: 0,
    failed: 0,
    inProgress: 0,
    pending: 0,
  }));
  for (const c of counts.rows) {
    const w = waves[c.wave];
    if (!w) continue;
    const n = Number(c.n);
    w.size += n;
    if (c.status === 'confirmed') w.confirmed += n;
    else if (FAILED_STATUSES.includes(c.status)) w.failed += n;
    else if (c.status === 'pending') w.pending += n;
    else w.inProgress += n;
  }
  const sum = (k: 'size' | 'confirmed' | 'failed') => waves.reduce((a, w) => a + w[k], 0);
  return {
    id: row.id,
    release: row.release,
    version: row.version,
    model: row.model,
    group: row.group_name,
    state: row.state,
    pauseReason: row.pause_reason,
    wave: row.wave,
    waves,
    maxFailureRate: Number(row.max_failure_rate),
    waveWaitMs: Number(row.wave_wait_ms),
    waveTimeoutMs: Number(row.wave_timeout_ms),
    devices: sum('size'),
    confirmed: sum('confirmed'),
    failed: sum('failed'),
    createdBy: row.created_by,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

/** Assigns waves in a per-rollout pseudo-random order (md5 of rollout and device id) and inserts them. */
export async function insertDevices(tx: Sql, rolloutId: string, deviceIds: readonly string[], waves: number[]) {
  const bounds = waveBounds(waves, deviceIds.length);
  const ordered = await tx.query<{ id: string }>('select id from unnest($1::text[]) as id order by md5($2 || id), id', [
    deviceIds,
    rolloutId,
  ]);
  const ids: string[] = [];
  const waveOfDevice: number[] = [];
  ordered.rows.forEach((r, i) => {
    ids.push(r.id);
    waveOfDevice.push(bounds.findIndex((b) => i < b));
  });
  await tx.query(
    `insert into rollout_devices (rollout_id, device_id, wave)
     select $1, id, wave from unnest($2::text[], $3::int[]) as t(id, wave)`,
    [rolloutId, ids, waveOfDevice],
  );
}
