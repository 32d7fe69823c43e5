import { performance } from 'node:perf_hooks';
import { randomId, type Context } from '../kernel/index.js';
import { isKnownBad, listReleases } from '../updates/index.js';
import { rolloutError } from './errors.js';
import { pauseKnownBadRollouts, recordFirmware } from './known-bad.js';
import { insertDevices, loadRow, viewOf, wavesOf, type RolloutRow, type RolloutView } from './records.js';
import { parseStatus } from './status.js';
import { checkWaves, decide, FAILED_STATUSES, type Decision } from './waves.js';

/** What a device is told on `devices/<id>/updates/available`. */
export interface UpdateNotice {
  readonly rollout: string;
  readonly release: string;
  readonly version: string;
}

/** Sends a notice to a device; resolves true when it was delivered (the device is online and subscribed). */
export type RolloutNotifier = (deviceId: string, notice: UpdateNotice) => Promise<boolean>;

export interface RolloutsOptions {
  readonly notify: RolloutNotifier;
  /** How often running rollouts are evaluated and undelivered notices retried. Default 5 s. */
  readonly tickMs?: number;
  /** A notified device that has not finished is notified again after this long. Default 5 min. */
  readonly renotifyMs?: number;
  /** Notices in flight at once. Default 64. */
  readonly concurrency?: number;
  /**
   * A notice not delivered within this long counts as not delivered (retried at a later tick).
   * Default 10 s: a device that never acknowledges cannot hold the rollouts, whose pause, resume,
   * abort and known-bad stop wait for the notices in flight.
   */
  readonly notifyTimeoutMs?: number;
  /** A tick stops sending notices after this long; the rest go at the next tick. Default 2 s. */
  readonly notifyBudgetMs?: number;
}

export interface StartRollout {
  readonly release: string;
  readonly model?: string;
  readonly group?: string;
  /** Cumulative percentages of the target devices, e.g. [1, 10, 50, 100]. */
  readonly waves: readonly number[];
  readonly maxFailureRate: number;
  readonly waveWaitMs?: number;
  /** How long a wave waits for its devices (default 0: until every one reported). */
  readonly waveTimeoutMs?: number;
}

const SYSTEM = 'system:rollouts';
const TERMINAL = ['confirmed', ...FAILED_STATUSES];

/**
 * Staged rollouts: waves of a release's target devices, each notified through the gateway,
 * judged by their status reports; a failure rate over the threshold pauses the rollout.
 */
export class Rollouts {
  readonly #ctx: Context;
  readonly #o: Required<RolloutsOptions>;
  #chain: Promise<unknown> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  readonly #queued = new Set<string>();

  constructor(ctx: Context, options: RolloutsOptions) {
    this.#ctx = ctx;
    this.#o = {
      tickMs: 5_000,
      renotifyMs: 5 * 60_000,
      concurrency: 64,
      notifyTimeoutMs: 10_000,
      notifyBudgetMs: 2_000,
      ...options,
    };
  }

  async start(req: StartRollout, actor: string): Promise<RolloutView> {
    checkWaves(req.waves);
    if (!(req.maxFailureRate >= 0 && req.maxFailureRate <= 1)) {
      throw rolloutError('FW_ROLLOUT_INVALID', 'max failure rate must lie in [0, 1]');
    }
    if ((req.model === undefined) === (req.group === undefined)) {
      throw rolloutError('FW_ROLLOUT_INVALID', 'give exactly one of model or group');
    }
    const waveWaitMs = req.waveWaitMs ?? 0;
    if (!Number.isSafeInteger(waveWaitMs) || waveWaitMs < 0) throw rolloutError('FW_ROLLOUT_INVALID', 'bad wave wait');
    const waveTimeoutMs = req.waveTimeoutMs ?? 0;
    if (!Number.isSafeInteger(waveTimeoutMs) || waveTimeoutMs < 0) {
      throw rolloutError('FW_ROLLOUT_INVALID', 'bad wave timeout');
    }
    const release = (await listReleases(this.#ctx.store)).find((r) => r.name === req.release);
    if (!release) throw rolloutError('FW_ROLLOUT_RELEASE_UNKNOWN', `no release ${req.release}`);
    if (await isKnownBad(this.#ctx.store, release.name)) {
      throw rolloutError('FW_ROLLOUT_RELEASE_KNOWN_BAD', `${release.name} is marked known-bad`);
    }
    if (req.model !== undefined && req.model !== release.model) {
      throw rolloutError('FW_ROLLOUT_INVALID', `${release.name} is for model ${release.model}`);
    }
    const id = randomId('ro');
    const now = this.#ctx.clock.now();
    await this.#ctx.store.transaction(async (tx) => {
      const devices = await tx.query<{ id: string }>(
        `select d.id from devices d
         where d.model = $1 and d.state in ('active', 'quarantined')
           and ($2::text is null or exists (select 1 from device_groups g where g.group_name = $2 and g.device_id = d.id))`,
        [release.model, req.group ?? null],
      );
      if (devices.rows.length === 0)
        throw rolloutError('FW_ROLLOUT_NO_DEVICES', 'no active or quarantined device to update');
      await tx.query(
        `insert into rollouts (id, release, version, model, group_name, waves, max_failure_rate, wave_wait_ms,
           wave_timeout_ms, wave_started_at, state, created_by, created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $11, $10, 'running', $9, $10, $10)`,
        [
          id,
          release.name,
          release.version,
          release.model,
          req.group ?? null,
          JSON.stringify(req.waves),
          req.maxFailureRate,
          waveWaitMs,
          actor,
          now,
          waveTimeoutMs,
        ],
      );
      await insertDevices(
        tx,
        id,
        devices.rows.map((d) => d.id),
        [...req.waves],
      );
      await this.#ctx.audit.append(
        {
          actor,
          action: 'rollout.start',
          target: `rollout:${id}`,
          details: {
            release: release.name,
            model: req.model ?? null,
            group: req.group ?? null,
            waves: req.waves,
            maxFailureRate: req.maxFailureRate,
            waveWaitMs,
            waveTimeoutMs,
            devices: devices.rows.length,
          },
        },
        tx,
      );
    });
    this.#stepSoon(id);
    return this.get(id);
  }

  async get(id: string): Promise<RolloutView> {
    const row = await loadRow(this.#ctx.store, id);
    if (!row) throw rolloutError('FW_ROLLOUT_NOT_FOUND', `no rollout ${id}`);
    return viewOf(this.#ctx.store, row);
  }

  async list(): Promise<RolloutView[]> {
    const rows = await this.#ctx.store.query<RolloutRow>('select * from rollouts order by created_at, id');
    return Promise.all(rows.rows.map((r) => viewOf(this.#ctx.store, r)));
  }

  pause(id: string, actor: string): Promise<RolloutView> {
    return this.#transition(id, actor, 'pause', ['running'], "state = 'paused', pause_reason = 'paused by operator'");
  }

  /** Resuming after an automatic pause accepts the failures of the current wave (it may then finish). */
  async resume(id: string, actor: string): Promise<RolloutView> {
    const row = await loadRow(this.#ctx.store, id);
    if (row && (await isKnownBad(this.#ctx.store, row.release))) {
      throw rolloutError('FW_ROLLOUT_RELEASE_KNOWN_BAD', `${row.release} is marked known-bad`);
    }
    return this.#transition(
      id,
      actor,
      'resume',
      ['paused'],
      "state = 'running', pause_reason = null, waived_wave = wave, wave_started_at = $2",
    );
  }

  /** Pauses the running rollouts of releases marked known-bad (audited as the system); their ids. */
  pauseKnownBad(): Promise<string[]> {
    return this.#serial(() => pauseKnownBadRollouts(this.#ctx));
  }

  abort(id: string, actor: string): Promise<RolloutView> {
    return this.#transition(id, actor, 'abort', ['running', 'paused'], "state = 'aborted'");
  }

  /**
   * The gateway hook for `devices/<id>/updates/status`: records the step (durably, before the
   * PUBACK), then re-evaluates the rollout. Reports for unknown rollouts are accepted and ignored.
   */
  async ingest(deviceId: string, payload: Uint8Array): Promise<void> {
    const report = parseStatus(payload);
    let status: string = report.step;
    let error = report.error;
    let confirmed: string | undefined; // the version the device now runs
    if (status === 'confirmed') {
      const row = await loadRow(this.#ctx.store, report.rollout);
      if (row && report.version !== null && report.version !== row.version) {
        status = 'failed';
        error = 'FW_ROLLOUT_VERSION_MISMATCH';
      } else if (row) confirmed = row.version;
    }
    const r = await this.#ctx.store.query(
      `update rollout_devices rd set status = $4, reported_at = $5, version = $6, error = $7
       from rollouts r
       where rd.rollout_id = $1 and rd.device_id = $2 and r.id = rd.rollout_id and r.release = $3
         and (rd.status <> all($8::text[]) or $4 = any($8::text[]))
       returning rd.wave`,
      [report.rollout, deviceId, report.release, status, this.#ctx.clock.now(), report.version, error, TERMINAL],
    );
    if (r.rows.length === 0) return;
    if (confirmed !== undefined) {
      await recordFirmware(this.#ctx.store, deviceId, report.release, confirmed, this.#ctx.clock.now());
    }
    this.#stepSoon(report.rollout);
  }

  /** Queues one evaluation of the rollout, unless one is already queued (reports arrive in bursts). */
  #stepSoon(id: string): void {
    if (this.#queued.has(id)) return;
    this.#queued.add(id);
    void this.#serial(() => {
      this.#queued.delete(id);
      return this.#step(id);
    }).catch((err: unknown) => this.#failed(err));
  }

  /** Evaluates every running rollout and (re)sends due notices. */
  tick(): Promise<void> {
    return this.#serial(async () => {
      await pauseKnownBadRollouts(this.#ctx); // marked in another process, or a listener failed
      const running = await this.#ctx.store.query<{ id: string }>("select id from rollouts where state = 'running'");
      for (const { id } of running.rows) await this.#step(id);
    });
  }

  /** Starts the periodic tick (unref'd). */
  startTimer(): void {
    if (this.#timer || this.#closed) return;
    this.#timer = setInterval(() => void this.tick().catch((err: unknown) => this.#failed(err)), this.#o.tickMs);
    this.#timer.unref();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#chain.catch(() => undefined);
  }

  // ---- the state machine ------------------------------------------------------------

  async #step(id: string): Promise<void> {
    for (let guard = 0; guard < 32 && !this.#closed; guard++) {
      const row = await loadRow(this.#ctx.store, id);
      if (!row || row.state !== 'running') return;
      const view = await viewOf(this.#ctx.store, row);
      const behind = view.waves.slice(0, row.wave).reduce((n, w) => n + w.size - w.confirmed - w.failed, 0);
      const wave = { ...view.waves[row.wave]!, behind };
      const decision = decide(
        {
          state: row.state,
          wave: row.wave,
          waves: wavesOf(row),
          maxFailureRate: view.maxFailureRate,
          waveWaitMs: view.waveWaitMs,
          waveDoneAt: row.wave_done_at === null ? null : new Date(row.wave_done_at),
          waveTimeoutMs: view.waveTimeoutMs,
          waveStartedAt: new Date(row.wave_started_at),
          waivedWave: row.waived_wave,
        },
        wave,
        this.#ctx.clock.now(),
      );
      if (decision.kind === 'none' || decision.kind === 'wave-done') {
        if (decision.kind === 'wave-done') await this.#apply(row, decision);
        return this.#notify(row);
      }
      await this.#apply(row, decision);
      if (decision.kind !== 'advance') return;
    }
  }

  async #apply(row: RolloutRow, d: Exclude<Decision, { kind: 'none' }>): Promise<void> {
    const now = this.#ctx.clock.now();
    const set = {
      pause: ["state = 'paused', pause_reason = $3", 'rollout.auto-pause'],
      'wave-done': ['wave_done_at = $2', 'rollout.wave-done'],
      advance: ['wave = wave + 1, wave_done_at = null, wave_started_at = $2', 'rollout.wave'],
      complete: ["state = 'completed'", 'rollout.complete'],
    } as const;
    const [sql, action] = set[d.kind];
    const reason = d.kind === 'pause' ? d.reason : null;
    await this.#ctx.store.transaction(async (tx) => {
      await tx.query(`update rollouts set ${sql}, updated_at = $2 where id = $1 and state = 'running'`, [
        row.id,
        now,
        ...(d.kind === 'pause' ? [reason] : []),
      ]);
      await this.#ctx.audit.append(
        {
          actor: SYSTEM,
          action,
          target: `rollout:${row.id}`,
          details: { wave: d.kind === 'advance' ? d.wave : row.wave, ...(reason ? { reason } : {}) },
        },
        tx,
      );
    });
    this.#ctx.log.info({ rollout: row.id, decision: d.kind, reason }, 'rollout');
  }

  /** Notices to the current and earlier waves: never notified (or offline), or silent for `renotifyMs`. */
  async #notify(row: RolloutRow): Promise<void> {
    const now = this.#ctx.clock.now();
    const due = await this.#ctx.store.query<{ device_id: string }>(
      `select device_id from rollout_devices
       where rollout_id = $1 and wave <= $2
         and (status = 'pending' or (status <> all($3::text[]) and notified_at < $4))
       order by wave, device_id limit 5000`,
      [row.id, row.wave, TERMINAL, new Date(now.getTime() - this.#o.renotifyMs)],
    );
    const notice: UpdateNotice = { rollout: row.id, release: row.release, version: row.version };
    const delivered: string[] = [];
    const queue = due.rows.map((r) => r.device_id);
    const until = performance.now() + this.#o.notifyBudgetMs;
    const worker = async () => {
      for (let id = queue.shift(); id !== undefined && performance.now() < until; id = queue.shift()) {
        if (await within(this.#o.notify(id, notice), this.#o.notifyTimeoutMs)) delivered.push(id);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#o.concurrency, queue.length) }, worker));
    if (delivered.length === 0) return;
    await this.#ctx.store.query(
      `update rollout_devices set status = case when status = 'pending' then 'notified' else status end,
         notified_at = $3, notifications = notifications + 1
       where rollout_id = $1 and device_id = any($2::text[])`,
      [row.id, delivered, now],
    );
  }

  async #transition(id: string, actor: string, verb: string, from: readonly string[], set: string) {
    await this.#serial(async () => {
      const now = this.#ctx.clock.now();
      await this.#ctx.store.transaction(async (tx) => {
        const r = await tx.query(
          `update rollouts set ${set}, updated_at = $2 where id = $1 and state = any($3::text[]) returning id`,
          [id, now, from],
        );
        if (r.rows.length === 0) {
          if (!(await loadRow(tx, id))) throw rolloutError('FW_ROLLOUT_NOT_FOUND', `no rollout ${id}`);
          throw rolloutError('FW_ROLLOUT_STATE_CONFLICT', `cannot ${verb} rollout ${id} now`);
        }
        await this.#ctx.audit.append({ actor, action: `rollout.${verb}`, target: `rollout:${id}`, details: {} }, tx);
      });
    });
    if (verb === 'resume') this.#stepSoon(id);
    return this.get(id);
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#chain.then(fn, fn);
    this.#chain = next.catch(() => undefined);
    return next;
  }

  #failed(err: unknown): void {
    this.#ctx.log.error({ err }, 'rollout step failed');
  }
}

/** The notifier's answer, or false when it fails or does not answer within `ms`. */
async function within(answer: Promise<boolean>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  try {
    return await Promise.race([answer.catch(() => false), late]);
  } finally {
    clearTimeout(timer);
  }
}
