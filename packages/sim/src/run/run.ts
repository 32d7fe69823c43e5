import type { OutboxStorage } from '@fleetward/agent';
import { enrollFleet, type SimDevice } from '../enroll/index.js';
import { Fleet, type FleetHooks } from '../fleet/index.js';
import { ProgressBar, StatusLine, type ProgressStream } from '../progress/index.js';
import { summaryLine, type FleetSummary } from '../stats/index.js';

export interface SimRunOptions {
  /** https://host:port (EST, renewal). */
  readonly server: string;
  /** mqtts://host:port of the gateway. */
  readonly mqttUrl: string;
  readonly caPem: string;
  /** Device cache root (`<dataDir>/sim/<model>/<id>/`). */
  readonly dataDir: string;
  readonly devices: number;
  /** A model name or `mixed`. */
  readonly model: string;
  readonly intervalMs?: number;
  /** How long devices send; undefined: until `signal` aborts. */
  readonly durationMs?: number;
  /** After sending stops, how long to wait for outboxes to empty. Default 15 s. */
  readonly drainMs?: number;
  /** Outbox per device: default in memory. */
  readonly storage?: (device: SimDevice) => OutboxStorage | Promise<OutboxStorage>;
  readonly createClaim: (model: string, uses: number) => Promise<string>;
  /** Progress and the live line (stderr). */
  readonly stream: ProgressStream;
  readonly signal?: AbortSignal;
  readonly handshakes?: number;
  readonly localAddresses?: readonly string[];
  readonly seed?: number;
  /** Per-device metrics and behaviour hooks (attack simulation), given the enrolled devices. */
  readonly hooks?: (devices: readonly SimDevice[]) => FleetHooks;
  /** Called once the fleet is built (before it connects): the demo and tests hold on to it. */
  readonly onFleet?: (fleet: Fleet) => void;
}

/** A running simulation: its fleet, and how to end it (stop sending, drain, stop, summarize). */
export interface RunningSimulation {
  readonly fleet: Fleet;
  stop(): Promise<FleetSummary>;
}

/**
 * Starts a simulation in steps: enroll (or reuse) the devices with a progress bar, connect them
 * with a ramp, start sending, and keep a live line on `stream` until `stop()`.
 */
export async function startSimulation(o: SimRunOptions): Promise<RunningSimulation> {
  const started = Date.now();
  const devices = await enroll(o);
  const fleet = new Fleet({
    ...o.hooks?.(devices),
    devices,
    mqttUrl: o.mqttUrl,
    estUrl: o.server,
    ...(o.storage === undefined ? {} : { storage: o.storage }),
    ...(o.intervalMs === undefined ? {} : { intervalMs: o.intervalMs }),
    ...(o.handshakes === undefined ? {} : { handshakes: o.handshakes }),
    ...(o.localAddresses === undefined ? {} : { localAddresses: o.localAddresses }),
    ...(o.seed === undefined ? {} : { seed: o.seed }),
  });
  o.onFleet?.(fleet);
  const live = new StatusLine(o.stream);
  const show = (force = false) =>
    live.update(summaryLine(fleet.counts, fleet.queued(), fleet.latency, fleet.size), force);
  const ticker = setInterval(() => show(), 250);
  await fleet.start();
  fleet.startSending();
  let stopping: Promise<FleetSummary> | undefined;
  return {
    fleet,
    stop: () =>
      (stopping ??= (async () => {
        try {
          fleet.stopSending();
          await fleet.drain(o.drainMs ?? 15_000);
          show(true);
        } finally {
          clearInterval(ticker);
          live.finish();
          await fleet.stop();
        }
        return fleet.summary(Date.now() - started);
      })()),
  };
}

/** A whole simulator run: start, send for `durationMs` (or until `signal` aborts), stop. */
export async function runSimulation(o: SimRunOptions): Promise<FleetSummary> {
  const running = await startSimulation(o);
  await until(o.durationMs, o.signal);
  return running.stop();
}

async function enroll(o: SimRunOptions): Promise<SimDevice[]> {
  const bar = new ProgressBar(o.stream, 'enrolling', o.devices);
  let shown = 0;
  const { devices } = await enrollFleet({
    server: o.server,
    caPem: o.caPem,
    dataDir: o.dataDir,
    devices: o.devices,
    model: o.model,
    createClaim: o.createClaim,
    onProgress: (done, cached) => {
      bar.tick(done - shown, cached > 0 ? `(${cached} cached)` : '');
      shown = done;
    },
  });
  bar.finish();
  return devices;
}

/** Resolves after `ms` or when `signal` aborts, whichever comes first. */
function until(ms: number | undefined, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = ms === undefined ? undefined : setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
