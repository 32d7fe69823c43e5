import {
  Agent,
  MemoryKeystore,
  MemoryOutbox,
  type AgentState,
  type BackoffOptions,
  type Connection,
  type OutboxStorage,
  type StateDetail,
  type Transport,
} from '@fleetward/agent';
import { forEachLimited, type SimDevice } from '../enroll/index.js';
import { deviceSeed, mulberry32, type Generator } from '../models/index.js';
import { TickClock } from '../scheduler/index.js';
import { LatencyHistogram, summarize, type Counts, type FleetSummary } from '../stats/index.js';
import { Semaphore, SimTransport } from '../transport/index.js';
import type { DeviceBehavior, FleetHooks } from './behavior.js';
import { deviceOta, type DeviceOta, type FleetOta } from './ota.js';
import { certificateValidity, renewer } from './renew.js';

export interface FleetOptions extends FleetHooks {
  readonly devices: readonly SimDevice[];
  /** mqtts://host:port of the gateway. */
  readonly mqttUrl: string;
  /** https://host:port of the server: with it, devices renew their certificates (EST) at 2/3 of the lifetime. */
  readonly estUrl?: string;
  /** Outbox per device; default in memory. */
  readonly storage?: (device: SimDevice) => OutboxStorage | Promise<OutboxStorage>;
  /** Time between two telemetry records of a device; default: the model's own rhythm. */
  readonly intervalMs?: number;
  /** Fleet seed: the same seed and devices give the same telemetry. Default 1. */
  readonly seed?: number;
  /** Also send the models' events (motion, switch, spike) on `devices/<id>/events`. Default true. */
  readonly events?: boolean;
  readonly clock?: TickClock;
  readonly transport?: Transport;
  /** TLS handshakes in progress at once (the connect ramp). Default 64. */
  readonly handshakes?: number;
  readonly localAddresses?: readonly string[];
  readonly backoff?: BackoffOptions;
  /** A record is in the device's outbox (durably, for file storage). */
  readonly onRecord?: (deviceId: string, id: string) => void;
  readonly onAck?: (deviceId: string, id: string, latencyMs: number) => void;
  readonly onState?: (deviceId: string, state: AgentState, detail: StateDetail) => void;
  /** Devices run secure boot (A/B slots) and the OTA loop, and take part in rollouts. */
  readonly ota?: FleetOta;
}

interface Member {
  readonly device: SimDevice;
  readonly outbox: OutboxStorage;
  readonly agent: Agent;
  readonly generator: Generator;
  readonly intervalMs: number;
  timer: unknown;
  everOnline: boolean;
  ota?: DeviceOta;
  behavior?: DeviceBehavior | undefined;
  behaviorTimer?: unknown;
  connection?: Connection;
}

/**
 * A simulated fleet in one process: one agent core per device, all on one clock (one Node
 * timer for everything), one transport (bounded handshakes), telemetry from each device's
 * model generator. Counts what was written, acknowledged and dropped, and ack latencies.
 */
export class Fleet {
  readonly counts: Counts;
  readonly latency = new LatencyHistogram();
  readonly clock: TickClock;
  #members: Member[] = [];
  readonly #transport: Transport;
  readonly #online = new Set<string>();
  #sending = false;
  readonly #writes = new Set<Promise<unknown>>();
  /** With metrics reports, acks count only telemetry and events records (ids written, not yet acked). */
  readonly #unacked = new Set<string>();
  readonly #downloads: Semaphore;

  constructor(private readonly options: FleetOptions) {
    this.clock = options.clock ?? new TickClock();
    const transport =
      options.transport ??
      new SimTransport({
        clock: this.clock,
        ...(options.handshakes === undefined ? {} : { handshakes: options.handshakes }),
        ...(options.localAddresses === undefined ? {} : { localAddresses: options.localAddresses }),
      });
    this.counts = {
      enrolled: options.devices.length,
      connected: 0,
      sent: 0,
      acknowledged: 0,
      dropped: 0,
      reconnects: 0,
    };
    this.#transport = transport;
    this.#downloads = new Semaphore(options.ota?.concurrency ?? 32);
  }

  /** A device's bootloader and OTA loop (fleets with `ota`). */
  otaOf(deviceId: string): DeviceOta | undefined {
    return this.#members.find((m) => m.device.id === deviceId)?.ota;
  }

  /** Resolves when no device has an update queued or running. */
  async otaIdle(): Promise<void> {
    await Promise.all(this.#members.map((m) => m.ota?.loop.idle()));
  }

  get size(): number {
    return this.options.devices.length;
  }

  /** Devices online now. */
  get online(): number {
    return this.#online.size;
  }

  get agents(): readonly Agent[] {
    return this.#members.map((m) => m.agent);
  }

  /** Builds and starts every agent; connections ramp up through the transport's handshake bound. */
  async start(): Promise<void> {
    const members: Member[] = [];
    await forEachLimited(this.options.devices.length, 32, async (i) => {
      const device = this.options.devices[i]!;
      const member = this.#member(device, await (this.options.storage?.(device) ?? new MemoryOutbox()));
      if (this.options.ota) {
        member.ota = await deviceOta(device, () => member.agent, this.options.ota, this.#downloads);
        await member.ota.loop.start(); // power on: secure boot, then any update a power cut interrupted
      }
      members[i] = member;
    });
    this.#members = members;
    await Promise.all(this.#members.map((m) => m.agent.start()));
  }

  /** Resolves when `count` devices have been online (or after `timeoutMs`); true if reached. */
  async waitConnected(count: number, timeoutMs: number): Promise<boolean> {
    const end = Date.now() + timeoutMs;
    while (this.counts.connected < count && Date.now() < end) await sleep(50);
    return this.counts.connected >= count;
  }

  /** Each device sends a record per interval, the first at a random point of its first interval. */
  startSending(): void {
    this.#sending = true;
    for (const m of this.#members) {
      const random = mulberry32(deviceSeed((this.options.seed ?? 1) + 7, m.device.id));
      this.#schedule(m, Math.floor(random.next() * m.intervalMs));
      if (m.behavior) this.#behave(m, this.options.behaviorTickMs ?? 1000);
    }
  }

  stopSending(): void {
    this.#sending = false;
    for (const m of this.#members) {
      this.clock.clearTimer(m.timer);
      this.clock.clearTimer(m.behaviorTimer);
    }
  }

  /** Records in the outboxes now (in flight included). */
  queued(): number {
    let n = 0;
    for (const m of this.#members) n += m.agent.stats().queued;
    return n;
  }

  /** Waits until every outbox is empty, or `timeoutMs`; true when drained. */
  async drain(timeoutMs: number): Promise<boolean> {
    const end = Date.now() + timeoutMs;
    await Promise.all([...this.#writes]);
    while (this.queued() > 0 && Date.now() < end) await sleep(100);
    return this.queued() === 0;
  }

  async stop(): Promise<void> {
    this.stopSending();
    await Promise.all([...this.#writes]);
    await Promise.all(this.#members.map((m) => m.agent.stop().catch(() => undefined)));
    // File outboxes hold open segment files.
    await Promise.all(
      this.#members.map((m) => (m.outbox as { close?: () => Promise<void> }).close?.().catch(() => undefined)),
    );
    this.clock.close();
  }

  summary(durationMs: number): FleetSummary {
    return summarize(this.counts, this.latency, durationMs);
  }

  #member(device: SimDevice, outbox: OutboxStorage): Member {
    const o = this.options;
    const random = mulberry32(deviceSeed(o.seed ?? 1, device.id));
    const metrics = o.metrics?.(device);
    // The agent's connections are kept for the behaviour hook's raw publishes.
    const transport: Transport = {
      connect: async (opts) => (member.connection = await this.#transport.connect(opts)),
    };
    const agent = new Agent({
      deviceId: device.id,
      mqttUrl: o.mqttUrl,
      keystore: new MemoryKeystore(device.credentials),
      outbox,
      transport,
      ...(metrics === undefined ? {} : { metrics }),
      ...(o.metricsIntervalMs === undefined ? {} : { metricsIntervalMs: o.metricsIntervalMs }),
      clock: this.clock,
      random: mulberry32(deviceSeed((o.seed ?? 1) + 1, device.id)),
      latencySamples: 1,
      ...(o.ota === undefined ? {} : { updates: (name: string, p: Uint8Array) => member.ota?.loop.notify(name, p) }),
      ...(o.backoff === undefined ? {} : { backoff: o.backoff }),
      ...(o.estUrl === undefined
        ? {}
        : { estUrl: o.estUrl, renew: renewer(o.estUrl, device.dir), validity: certificateValidity }),
    });
    const member: Member = {
      device,
      outbox,
      agent,
      generator: device.model.create(random, this.clock.now()),
      intervalMs: o.intervalMs ?? device.model.intervalMs,
      timer: undefined,
      everOnline: false,
      behavior: o.behavior?.(device),
    };
    agent.on('state', (state, detail) => {
      if (state === 'online') {
        this.#online.add(device.id);
        if (!member.everOnline) {
          member.everOnline = true;
          this.counts.connected++;
        }
      } else if (this.#online.delete(device.id) && state === 'offline') this.counts.reconnects++;
      o.onState?.(device.id, state, detail);
    });
    agent.on('ack', (id, latencyMs) => {
      if (o.metrics !== undefined && !this.#unacked.delete(id)) return; // a metrics report
      this.counts.acknowledged++;
      this.latency.record(latencyMs);
      o.onAck?.(device.id, id, latencyMs);
    });
    agent.on('dropped', (id) => {
      if (o.metrics === undefined || this.#unacked.delete(id)) this.counts.dropped++;
    });
    return member;
  }

  #schedule(m: Member, delayMs: number): void {
    m.timer = this.clock.setTimer(() => {
      if (!this.#sending) return;
      this.#schedule(m, m.intervalMs);
      this.#emit(m);
    }, delayMs);
  }

  #behave(m: Member, tickMs: number): void {
    m.behaviorTimer = this.clock.setTimer(() => {
      if (!this.#sending) return;
      this.#behave(m, tickMs);
      const state = m.agent.state;
      if (state === 'revoked' || state === 'stopped') return;
      m.behavior!(
        {
          deviceId: m.device.id,
          connection: m.connection,
          connect: (clientId) =>
            this.#transport.connect({
              deviceId: clientId,
              credentials: m.device.credentials,
              url: this.options.mqttUrl,
            }),
        },
        tickMs,
      );
    }, tickMs);
  }

  #emit(m: Member): void {
    const state = m.agent.state;
    if (state === 'revoked' || state === 'stopped') return;
    const sample = m.generator.next(this.clock.now());
    this.#write(m, 'telemetry', sample.telemetry);
    if (this.options.events !== false) for (const e of sample.events) this.#write(m, 'events', e);
  }

  #write(m: Member, kind: 'telemetry' | 'events', fields: Record<string, number | string | boolean>): void {
    const p = m.agent.send(kind, fields).then(
      (id) => {
        this.counts.sent++;
        if (this.options.metrics !== undefined) this.#unacked.add(id);
        this.options.onRecord?.(m.device.id, id);
      },
      () => undefined, // revoked or stopped meanwhile: nothing was written
    );
    this.#writes.add(p);
    void p.finally(() => this.#writes.delete(p));
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
