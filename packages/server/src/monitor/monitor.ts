import type { GatewayCounters } from '../gateway/index.js';
import type { Context } from '../kernel/index.js';
import { applyChange, type AlertEvent } from './alerts/book.js';
import { runAuditChecks, type AuditRun } from './audit-checks.js';
import { Detector } from './detect/engine.js';
import { knownBadAlarms, knownBadAlerted } from './known-bad-firmware.js';
import { GatewaySampler } from './ingest/gateway-sampler.js';
import {
  listWindows,
  pruneWindows,
  WINDOW_LIMITS,
  WindowBook,
  writeWindow,
  type StoredWindow,
} from './ingest/windows.js';
import { loadProfiles } from './profiles/store.js';
import { GATEWAY_METRICS } from './profiles/defaults.js';
import { DEVICE_METRICS, parseDeviceReport } from './report.js';
import type { AlarmChange, Datapoint, MetricSource, MetricValue } from './types.js';

export interface MonitorOptions {
  /** Length of a metric window (default 5 min). */
  readonly windowMs?: number;
  /** How often the gateway's counters are looked at within a window (default 1 s). */
  readonly tickMs?: number;
  /** How long metric windows are kept (default 14 days). */
  readonly retentionMs?: number;
  /** Audit checks every … (default 1 h; 0: on demand only). */
  readonly auditEveryMs?: number;
  readonly gateway?: {
    readonly counters: GatewayCounters;
    /** Devices with a live session now. */
    readonly connected: () => Iterable<string>;
  };
}

export const MONITOR_DEFAULTS = {
  windowMs: 300_000,
  tickMs: 1_000,
  retentionMs: 14 * 86_400_000,
  auditEveryMs: 3_600_000,
} as const;

type Listener = (event: AlertEvent) => void | Promise<void>;

const GATEWAY_NAMES: ReadonlySet<string> = new Set(GATEWAY_METRICS);

/**
 * Continuous monitoring: device-side reports and gateway-side counters become datapoints,
 * the detector checks them against the security profiles, alarm changes become stored alerts
 * and reach the listeners (the response capability) in order per device.
 */
export class Monitor {
  readonly detector = new Detector();
  readonly windowMs: number;
  readonly counts = {
    reports: 0,
    rejected: 0,
    /** New metric names left out of a device's window past WINDOW_LIMITS.names (the reports were accepted). */
    droppedNames: 0,
    windows: 0,
    alerts: new Map<string, number>(),
    auditRuns: 0,
  };
  readonly #o: Required<Omit<MonitorOptions, 'gateway'>> & Pick<MonitorOptions, 'gateway'>;
  /** Names kept in a window past its cap: the Device Defender ones and those the profiles look at. */
  readonly #book = new WindowBook(
    (name) => DEVICE_METRICS.has(name) || GATEWAY_NAMES.has(name) || this.detector.usesMetric(name),
  );
  readonly #sampler: GatewaySampler | undefined;
  readonly #models = new Map<string, string>();
  readonly #queues = new Map<string, Promise<void>>();
  readonly #listeners: Listener[] = [];
  #windowStart: Date;
  #timers: NodeJS.Timeout[] = [];
  #lastAudit: AuditRun | undefined;

  private constructor(
    readonly ctx: Context,
    options: MonitorOptions,
  ) {
    this.#o = { ...MONITOR_DEFAULTS, ...options };
    this.windowMs = this.#o.windowMs;
    this.#sampler = options.gateway ? new GatewaySampler(options.gateway.counters) : undefined;
    this.#windowStart = ctx.clock.now();
  }

  static async open(ctx: Context, options: MonitorOptions = {}): Promise<Monitor> {
    const monitor = new Monitor(ctx, options);
    await monitor.reloadProfiles();
    return monitor;
  }

  async reloadProfiles(): Promise<void> {
    this.detector.setProfiles(await loadProfiles(this.ctx.store, this.windowMs));
  }

  onAlert(listener: Listener): void {
    this.#listeners.push(listener);
  }

  /** The gateway hook for `devices/{id}/metrics`: validated (FW_MONITOR_METRICS_INVALID), then detected on. */
  async ingestMetrics(deviceId: string, payload: Uint8Array): Promise<void> {
    let report;
    try {
      report = parseDeviceReport(payload);
    } catch (err) {
      this.counts.rejected++;
      throw err;
    }
    this.counts.reports++;
    const model = await this.#model(deviceId);
    const dropped = this.#book.add(deviceId, 'device', report.metrics);
    if (dropped > 0) {
      this.counts.droppedNames += dropped;
      // Once per device and window: which device, not a line per report.
      if (this.#book.dropped(deviceId, 'device') === dropped) {
        this.ctx.log.warn(
          { deviceId, cap: WINDOW_LIMITS.names, windowStart: this.#windowStart.toISOString() },
          'metric names past the per-window cap dropped',
        );
      }
    }
    // The detector sees the whole report: it keeps no state per metric name.
    this.#observe({ deviceId, model, source: 'device', at: this.ctx.clock.now(), metrics: report.metrics });
  }

  /**
   * A device's metric windows, newest first: the window still open (what arrived since it began;
   * gateway counters join at its close) and then the stored ones, `limit` in all.
   */
  async windows(deviceId: string, limit: number): Promise<StoredWindow[]> {
    const now = this.ctx.clock.now();
    const open = this.#book.peek(deviceId).map((row) => ({
      deviceId,
      ...row,
      windowStart: this.#windowStart.toISOString(),
      windowMs: now.getTime() - this.#windowStart.getTime(),
      open: true,
    }));
    const stored = limit > open.length ? await listWindows(this.ctx.store, deviceId, limit - open.length) : [];
    return [...open, ...stored].slice(0, limit);
  }

  /** Starts the tick, window and audit timers (the composition root calls it). */
  start(): void {
    const every = (ms: number, fn: () => Promise<void>) => {
      const t = setInterval(() => fn().catch((err: unknown) => this.ctx.log.error({ err }, 'monitor task failed')), ms);
      t.unref();
      this.#timers.push(t);
    };
    every(this.#o.tickMs, () => this.tick());
    if (this.#o.auditEveryMs > 0) every(this.#o.auditEveryMs, async () => void (await this.runAudit()));
  }

  /** One look at the gateway: partial-window checks; closes the window when it is over. */
  async tick(): Promise<void> {
    const now = this.ctx.clock.now();
    if (now.getTime() - this.#windowStart.getTime() >= this.windowMs) return this.closeWindow();
    if (this.#sampler === undefined) return;
    await this.#gatewayDatapoints(this.#sampler.peek(), now, true);
  }

  /** Ends the window: gateway datapoints for every device, fleet statistics rotate, rows written. */
  async closeWindow(): Promise<void> {
    const start = this.#windowStart;
    const now = this.ctx.clock.now();
    this.#windowStart = now;
    if (this.#sampler !== undefined) await this.#gatewayDatapoints(this.#sampler.close(), now, false);
    this.detector.rotateWindow();
    this.counts.windows++;
    await writeWindow(this.ctx.store, start, now.getTime() - start.getTime(), this.#book.take());
    await pruneWindows(this.ctx.store, new Date(now.getTime() - this.#o.retentionMs));
  }

  async runAudit(): Promise<AuditRun> {
    const gw = this.#o.gateway;
    const run = await runAuditChecks(this.ctx.store, this.ctx.clock, {
      connected: gw?.connected ?? (() => []),
      clientIdRefusals: () => gw?.counters.refused.clientId ?? 0,
      expiryWarningDays: 14,
      silentAfterMs: Math.max(3 * this.windowMs, 3_600_000),
    });
    this.counts.auditRuns++;
    this.#lastAudit = run;
    // Devices on known-bad firmware raise an alert each (the playbooks answer with force-update).
    for (const change of knownBadAlarms(run.findings, await knownBadAlerted(this.ctx.store), this.ctx.clock.now())) {
      this.#persist(change);
    }
    return run;
  }

  get lastAudit(): AuditRun | undefined {
    return this.#lastAudit;
  }

  /** Resolves when every alert change so far reached the store and the listeners. */
  async settled(): Promise<void> {
    while (this.#queues.size > 0) await Promise.all([...this.#queues.values()]);
  }

  async close(): Promise<void> {
    for (const t of this.#timers) clearInterval(t);
    this.#timers = [];
    await this.settled();
  }

  async #gatewayDatapoints(deltas: Map<string, Record<string, number>>, at: Date, partial: boolean): Promise<void> {
    for (const [deviceId, metrics] of deltas) {
      const model = await this.#model(deviceId);
      if (!partial) this.#book.add(deviceId, 'gateway', metrics);
      this.#observe({ deviceId, model, source: 'gateway', at, metrics, partial });
    }
  }

  #observe(dp: Datapoint): void {
    for (const change of this.detector.observe(dp)) this.#persist(change);
  }

  /** Alert changes are stored and announced in order, per device. */
  #persist(change: AlarmChange): void {
    const id = change.deviceId;
    const prev = this.#queues.get(id) ?? Promise.resolve();
    const next = prev
      .then(async () => {
        const event = await applyChange(this.ctx.store, change);
        if (event === undefined) return;
        if (event.change === 'raised') {
          const key = `${event.alert.kind}\0${event.alert.severity}`;
          this.counts.alerts.set(key, (this.counts.alerts.get(key) ?? 0) + 1);
        }
        for (const l of this.#listeners) await l(event);
      })
      .catch((err: unknown) => this.ctx.log.error({ err, deviceId: id }, 'alert not stored'))
      .finally(() => {
        if (this.#queues.get(id) === next) this.#queues.delete(id);
      });
    this.#queues.set(id, next);
  }

  async #model(deviceId: string): Promise<string> {
    let model = this.#models.get(deviceId);
    if (model === undefined) {
      const r = await this.ctx.store.query<{ model: string }>('select model from devices where id = $1', [deviceId]);
      model = r.rows[0]?.model ?? 'unknown';
      if (this.#models.size > 100_000) this.#models.clear();
      this.#models.set(deviceId, model);
    }
    return model;
  }
}

export type { MetricSource, MetricValue };
