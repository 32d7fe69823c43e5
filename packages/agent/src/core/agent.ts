import { parseTelemetry, type FleetwardError, type TelemetryValue } from '@fleetward/protocol';
import { agentError } from '../errors.js';
import { BoundedOutbox, DEFAULT_OUTBOX_LIMITS } from '../outbox/bounded.js';
import { Renewer } from '../renewal/index.js';
import { DEFAULT_BACKOFF, fullJitter, type BackoffOptions } from './backoff.js';
import { Emitter } from './emitter.js';
import { RecordIds } from './ids.js';
import type { CloseReason, Connection, DeviceCredentials, OutboxRecord, OutboxTopic } from './platform.js';
import { connectRefusal, PublishRefused, REASON } from './refusals.js';
import { TimerSlot } from './timers.js';
import type { AgentEvents, AgentOptions, AgentState, AgentStats, StateDetail } from './types.js';

const encoder = new TextEncoder();

/**
 * The device agent: store-and-forward of telemetry and events over one MQTT 5 connection.
 *
 * Every record goes to the outbox first (durably), is published QoS 1 in order with a bounded
 * window, and is removed only after the gateway's PUBACK. The connection is re-made with
 * exponential backoff and full jitter; refusals of the identity end in `revoked`, refusals of
 * telemetry in `quarantined`. Platform-free: everything outside comes through `AgentOptions`.
 */
export class Agent extends Emitter<AgentEvents> {
  readonly #o: AgentOptions;
  readonly #outbox: BoundedOutbox;
  readonly #ids: RecordIds;
  readonly #backoff: BackoffOptions;
  readonly #window: number;
  readonly #reconnectTimer: TimerSlot;
  readonly #stableTimer: TimerSlot;
  readonly #pauseTimer: TimerSlot;
  readonly #metricsTimer: TimerSlot;
  #renewer: Renewer | undefined;
  #state: AgentState = 'starting';
  #credentials: DeviceCredentials | undefined;
  #conn: Connection | undefined;
  #attempt = 0;
  #refusals = 0;
  #suspectRevoked = false;
  #paused = false;
  #probing = false;
  #pumping = false;
  #pumpAgain = false;
  /** id → time sent, in send order. */
  readonly #inflight = new Map<string, number>();
  /** Acknowledged, removal from storage pending. */
  readonly #removing = new Set<string>();
  #drained: (() => void)[] = [];
  readonly #latencies: number[] = [];
  readonly #counts = { sent: 0, acknowledged: 0, dropped: 0, reconnects: 0 };

  constructor(options: AgentOptions) {
    super();
    this.#o = options;
    this.#outbox = new BoundedOutbox(options.outbox, { ...DEFAULT_OUTBOX_LIMITS, ...options.limits });
    this.#ids = new RecordIds(options.random);
    this.#backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.#window = Math.max(1, options.inflight ?? 16);
    this.#reconnectTimer = new TimerSlot(options.clock);
    this.#stableTimer = new TimerSlot(options.clock);
    this.#pauseTimer = new TimerSlot(options.clock);
    this.#metricsTimer = new TimerSlot(options.clock);
  }

  get state(): AgentState {
    return this.#state;
  }

  get deviceId(): string {
    return this.#o.deviceId;
  }

  /** Loads the identity, arms renewal and metrics, and starts connecting (resolves before online). */
  async start(): Promise<void> {
    if (this.#state !== 'starting') throw agentError('FW_AGENT_STOPPED', `cannot start in state ${this.#state}`);
    const credentials = await this.#o.keystore.load();
    if (credentials === undefined) throw agentError('FW_AGENT_NOT_ENROLLED', 'the keystore holds no identity');
    if (credentials.deviceId !== this.#o.deviceId) {
      throw agentError('FW_AGENT_INPUT_INVALID', 'the keystore identity is another device');
    }
    this.#credentials = credentials;
    this.#startRenewal();
    this.#startMetrics();
    void this.#connect();
  }

  /** Stops sending and closes the connection; the outbox keeps every unacknowledged record. */
  async stop(): Promise<void> {
    if (this.#state === 'stopped') return;
    this.#setState('stopped', {});
    this.#clearTimers();
    this.#renewer?.stop();
    const conn = this.#conn;
    this.#conn = undefined;
    this.#inflight.clear();
    await conn?.end().catch(() => undefined);
  }

  /**
   * Writes a record to the outbox (durably) and returns its id, which is also the `messageId`
   * in the payload. A record the overflow policy drops at once still gets its id (and a
   * `dropped` event).
   */
  async send(
    kind: 'telemetry' | 'events',
    fields: Record<string, TelemetryValue>,
    opts: { critical?: boolean } = {},
  ): Promise<string> {
    this.#assertSending();
    if ('messageId' in fields || 'mid' in fields || 'ts' in fields) {
      throw agentError('FW_AGENT_INPUT_INVALID', 'messageId, mid and ts are set by the agent');
    }
    const now = this.#o.clock.now();
    const id = this.#ids.next(now);
    const payload = encoder.encode(JSON.stringify({ ...fields, messageId: id, ts: new Date(now).toISOString() }));
    try {
      parseTelemetry(payload); // refuse here what the gateway would refuse with 0x99
    } catch (cause) {
      throw agentError('FW_AGENT_INPUT_INVALID', 'the fields are not valid telemetry', { cause });
    }
    await this.#enqueue({ id, topic: kind, payload, critical: opts.critical === true, createdAt: now });
    return id;
  }

  /**
   * Writes a JSON status record for `devices/<id>/updates/status` (the OTA loop's reports),
   * with `messageId` and `ts` set as for telemetry. Returns its id.
   */
  async report(
    topic: 'updates/status',
    fields: Record<string, string | number | boolean>,
    opts: { critical?: boolean } = {},
  ): Promise<string> {
    this.#assertSending();
    const now = this.#o.clock.now();
    const id = this.#ids.next(now);
    const payload = encoder.encode(JSON.stringify({ ...fields, messageId: id, ts: new Date(now).toISOString() }));
    await this.#enqueue({ id, topic, payload, critical: opts.critical === true, createdAt: now });
    return id;
  }

  stats(): AgentStats {
    return { ...this.#counts, queued: this.#o.outbox.size().records, ackLatencyMs: [...this.#latencies] };
  }

  // ---- outbox -------------------------------------------------------------------------

  async #enqueue(rec: OutboxRecord): Promise<void> {
    const dropped = await this.#outbox.append(rec, (id) => this.#inflight.has(id) || this.#removing.has(id));
    for (const id of dropped) this.#drop(id);
    void this.#pump();
  }

  #drop(id: string): void {
    this.#counts.dropped++;
    this.emit('dropped', id);
  }

  #assertSending(): void {
    if (this.#state === 'stopped') throw agentError('FW_AGENT_STOPPED', 'the agent is stopped');
    if (this.#state === 'revoked') throw agentError('FW_AGENT_REVOKED', 'the device is revoked');
  }

  // ---- connection ---------------------------------------------------------------------

  async #connect(): Promise<void> {
    if (this.#state === 'stopped' || this.#state === 'revoked') return;
    this.#setState('connecting', { attempt: this.#attempt });
    let conn: Connection;
    try {
      conn = await this.#o.transport.connect({
        deviceId: this.#o.deviceId,
        credentials: this.#credentials!,
        url: this.#o.mqttUrl,
      });
    } catch (err) {
      if (this.#state === 'connecting') this.#connectFailed(err);
      return;
    }
    if (this.#state !== 'connecting') {
      await conn.end().catch(() => undefined);
      return;
    }
    this.#online(conn);
  }

  #online(conn: Connection): void {
    this.#conn = conn;
    this.#refusals = 0;
    this.#suspectRevoked = false;
    conn.onClose((reason) => {
      if (this.#conn === conn) this.#lost(reason);
    });
    conn.onMessage((topic, payload) => {
      const updates = `devices/${this.#o.deviceId}/updates/`;
      if (this.#o.updates !== undefined && topic.startsWith(updates)) {
        const name = topic.slice(updates.length);
        if (!name.includes('/')) this.#o.updates(name, payload);
        return;
      }
      void this.#command(conn, topic, payload);
    });
    this.#stableTimer.after(this.#o.stableMs ?? 30_000, () => (this.#attempt = 0));
    this.#setState('online', {});
    if (this.#o.commands !== undefined) {
      conn.subscribe(`devices/${this.#o.deviceId}/commands/+`).catch(() => undefined);
    }
    if (this.#o.updates !== undefined) {
      conn.subscribe(`devices/${this.#o.deviceId}/updates/+`).catch(() => undefined);
    }
    void this.#pump();
  }

  #connectFailed(err: unknown): void {
    const refusal = connectRefusal(err);
    if (refusal?.revoked) {
      this.#refusals++;
      if (this.#suspectRevoked || this.#refusals >= (this.#o.revokedAfter ?? 3)) return this.#revoked(refusal);
    }
    // A silent close confirms only what the gateway said inside TLS (DISCONNECT 0x98); alone it
    // is a network failure, so a path that cuts connections cannot put the device into `revoked`.
    if (refusal?.closedAfterHandshake && this.#suspectRevoked) return this.#revoked(refusal);
    this.#retry(refusal?.code, err instanceof Error ? err.message : String(err));
  }

  #lost(reason: CloseReason): void {
    this.#conn = undefined;
    this.#inflight.clear();
    this.#stableTimer.clear();
    this.#counts.reconnects++;
    this.#settleDrain();
    // DISCONNECT 0x98 (administrative action): revoked or retired; one more refusal confirms it.
    if (reason.revoked) this.#suspectRevoked = true;
    this.#retry(reason.code, 'connection closed');
  }

  #retry(code: number | undefined, reason: string): void {
    const delayMs = fullJitter(this.#attempt, this.#backoff, this.#o.random);
    this.#setState('offline', { attempt: this.#attempt, delayMs, reason, ...(code === undefined ? {} : { code }) });
    this.#attempt++;
    this.#reconnectTimer.after(delayMs, () => void this.#connect());
  }

  #revoked(reason: CloseReason): void {
    this.#clearTimers();
    this.#renewer?.stop();
    this.#setState('revoked', { ...(reason.code === undefined ? {} : { code: reason.code }), reason: 'refused' });
    this.emit('error', agentError('FW_AGENT_REVOKED', 'the server refuses this device; stopped retrying'));
  }

  // ---- sending ------------------------------------------------------------------------

  async #pump(): Promise<void> {
    if (this.#pumping) {
      this.#pumpAgain = true;
      return;
    }
    this.#pumping = true;
    try {
      do {
        this.#pumpAgain = false;
        const conn = this.#conn;
        const window = this.#probing ? 1 : this.#window;
        if (conn === undefined || this.#paused || this.#inflight.size >= window) break;
        const skip = this.#inflight.size + this.#removing.size;
        const recs = await this.#o.outbox.peek(skip + window - this.#inflight.size);
        for (const rec of recs) {
          if (this.#conn !== conn || this.#paused || this.#inflight.size >= window) break;
          if (this.#inflight.has(rec.id) || this.#removing.has(rec.id)) continue;
          this.#publish(conn, rec);
        }
      } while (this.#pumpAgain);
    } catch (err) {
      this.emit('error', agentError('FW_AGENT_OUTBOX_CORRUPT', 'the outbox could not be read', { cause: err }));
    } finally {
      this.#pumping = false;
    }
  }

  #publish(conn: Connection, rec: OutboxRecord): void {
    this.#inflight.set(rec.id, this.#o.clock.now());
    this.#counts.sent++;
    conn.publish(`devices/${this.#o.deviceId}/${rec.topic}`, rec.payload, 1).then(
      () => this.#acked(rec),
      (err: unknown) => this.#publishFailed(rec, err),
    );
  }

  #acked(rec: OutboxRecord): void {
    const sentAt = this.#inflight.get(rec.id);
    this.#inflight.delete(rec.id);
    this.#removing.add(rec.id);
    this.#counts.acknowledged++;
    const latency = sentAt === undefined ? 0 : this.#o.clock.now() - sentAt;
    this.#latencies.push(latency);
    if (this.#latencies.length > (this.#o.latencySamples ?? 256)) this.#latencies.shift();
    if (this.#state === 'quarantined') {
      this.#probing = false;
      this.#pauseTimer.clear();
      this.#setState('online', { reason: 'released' });
    }
    this.emit('ack', rec.id, latency);
    this.#o.outbox.remove([rec.id]).then(
      () => this.#removing.delete(rec.id),
      (err: unknown) => {
        this.#removing.delete(rec.id); // it will be sent again; the server deduplicates by id
        this.emit('error', agentError('FW_AGENT_OUTBOX_CORRUPT', 'removal failed', { cause: err }));
      },
    );
    this.#settleDrain();
    void this.#pump();
  }

  /** A close rejects in-flight publishes: they stay in the outbox. A PUBACK refusal decides. */
  #publishFailed(rec: OutboxRecord, err: unknown): void {
    this.#inflight.delete(rec.id);
    this.#settleDrain();
    if (!(err instanceof PublishRefused)) return;
    const code = err.reasonCode;
    // 0x87 on a non-critical metrics/events/state record: the server does not take that topic.
    const unwanted =
      code === REASON.NOT_AUTHORIZED && !rec.critical && !isTelemetry(rec.topic) && this.#state !== 'quarantined';
    if (code === REASON.PAYLOAD_FORMAT_INVALID || unwanted) {
      return this.#refusedForGood(rec, code);
    }
    if (code === REASON.NOT_AUTHORIZED) return this.#quarantined();
    this.#pauseFor(fullJitter(Math.min(this.#attempt, 4), this.#backoff, this.#o.random), code); // 0x97 quota, others
  }

  #refusedForGood(rec: OutboxRecord, code: number): void {
    this.#removing.add(rec.id);
    void this.#o.outbox.remove([rec.id]).finally(() => this.#removing.delete(rec.id));
    this.#drop(rec.id);
    this.emit('error', agentError('FW_AGENT_PUBLISH_REFUSED', `${rec.topic} record refused 0x${code.toString(16)}`));
    void this.#pump();
  }

  /** Telemetry refused 0x87 while connected: quarantined. Keep the records, probe now and then. */
  #quarantined(): void {
    if (this.#state !== 'quarantined') this.#setState('quarantined', { code: REASON.NOT_AUTHORIZED });
    this.#probing = true;
    this.#pauseFor(this.#o.quarantineProbeMs ?? 60_000, REASON.NOT_AUTHORIZED);
  }

  #pauseFor(ms: number, _code: number): void {
    this.#paused = true;
    this.#pauseTimer.after(ms, () => {
      this.#paused = false;
      void this.#pump();
    });
  }

  // ---- renewal, metrics, commands -----------------------------------------------------

  #startRenewal(): void {
    const { renew, validity } = this.#o;
    if (renew === undefined || validity === undefined) return;
    this.#renewer = new Renewer({
      clock: this.#o.clock,
      random: this.#o.random,
      renewAt: this.#o.renewAt ?? 2 / 3,
      renew,
      validity,
      current: () => this.#credentials!,
      renewed: (next, notAfter) => this.#useCredentials(next, notAfter),
      failed: (err) => this.emit('error', agentError('FW_AGENT_RENEWAL_FAILED', 'renewal failed', { cause: err })),
    });
    this.#renewer.schedule();
  }

  /** Saves the new identity, lets the window drain (bounded), and reconnects at once with it. */
  async #useCredentials(next: DeviceCredentials, notAfter: number): Promise<void> {
    await this.#o.keystore.save(next);
    this.#credentials = next;
    this.emit('renewed', notAfter);
    const conn = this.#conn;
    if (conn === undefined || this.#state !== 'online') return; // the next connect uses it
    this.#paused = true;
    await this.#drain(5_000);
    this.#paused = false;
    if (this.#conn !== conn) return;
    this.#conn = undefined;
    this.#inflight.clear();
    this.#stableTimer.clear();
    await conn.end().catch(() => undefined);
    if (this.#state !== 'online') return;
    this.#attempt = 0;
    void this.#connect();
  }

  #drain(maxMs: number): Promise<void> {
    if (this.#inflight.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = this.#o.clock.setTimer(resolve, maxMs);
      this.#drained.push(() => {
        this.#o.clock.clearTimer(timer);
        resolve();
      });
    });
  }

  #settleDrain(): void {
    if (this.#inflight.size > 0 && this.#conn !== undefined) return;
    const waiting = this.#drained;
    this.#drained = [];
    for (const fn of waiting) fn();
  }

  #startMetrics(): void {
    const source = this.#o.metrics;
    if (source === undefined) return;
    const every = this.#o.metricsIntervalMs ?? 60_000;
    const tick = () => {
      this.#metricsTimer.after(every, tick);
      void this.#collectMetrics();
    };
    this.#metricsTimer.after(every, tick);
  }

  async #collectMetrics(): Promise<void> {
    try {
      const metrics = await this.#o.metrics!.collect();
      const now = this.#o.clock.now();
      const id = this.#ids.next(now);
      const body = { messageId: id, ts: new Date(now).toISOString(), metrics };
      await this.#enqueue({
        id,
        topic: 'metrics',
        payload: encoder.encode(JSON.stringify(body)),
        critical: false,
        createdAt: now,
      });
    } catch (err) {
      this.emit('error', asAgentError(err));
    }
  }

  async #command(conn: Connection, topic: string, payload: Uint8Array): Promise<void> {
    const registry = this.#o.commands;
    const prefix = `devices/${this.#o.deviceId}/commands/`;
    if (registry === undefined || !topic.startsWith(prefix)) return;
    const name = topic.slice(prefix.length);
    if (name.includes('/')) return; // replies and deeper topics are not commands
    const reply = await registry.dispatch(name, payload, this.#o.deviceId);
    if (reply === undefined || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) return;
    await conn.publish(`${prefix}${name}/reply`, encoder.encode(JSON.stringify(reply)), 1).catch(() => undefined);
  }

  // ---- state --------------------------------------------------------------------------

  #setState(state: AgentState, detail: StateDetail): void {
    if (this.#state === state && state !== 'offline' && state !== 'connecting') return;
    this.#state = state;
    this.emit('state', state, detail);
  }

  #clearTimers(): void {
    for (const t of [this.#reconnectTimer, this.#stableTimer, this.#pauseTimer, this.#metricsTimer]) t.clear();
  }
}

function isTelemetry(topic: OutboxTopic): boolean {
  return topic === 'telemetry';
}

function asAgentError(err: unknown): FleetwardError {
  return agentError('FW_AGENT_METRICS_FAILED', 'metrics collection failed', { cause: err });
}
