import type { TLSSocket } from 'node:tls';
import mqtt from 'mqtt-packet';
import type { DeviceState } from '../kernel/index.js';
import { AckQueue } from './acks.js';
import type { DeviceAcl } from './acl.js';
import type { Broker } from './broker.js';
import type { DeviceCounters } from './counters.js';
import { dispatch } from './handlers/index.js';
import { SubscriptionSet } from './matcher.js';
import { Framer, type FrameSink } from './framing.js';
import type { ParseSink } from './parser.js';
import { RC } from './reason-codes.js';
import { TokenBucket } from './token-bucket.js';
import type { AuthenticatedDevice } from './types.js';

// mqtt-packet's writer otherwise keeps a cache of 65,536 two-byte Buffers (one per packet id),
// built when the first packet is written: about 6 MiB of heap and 65k objects for every major GC
// to trace, to save allocating 2 bytes per packet id written. Measured with a heap snapshot diff
// of 2,000 idle connections (3.1 KiB of the 13 KiB of heap per connection there was this cache).
mqtt.writeToStream.cacheNumbers = false;

/**
 * Initial room of the PUBACK queue: it doubles on demand up to the Receive Maximum. Most
 * devices have one message in flight; 8 entries stay inside V8's on-heap typed arrays, where
 * 128 cost each idle connection about 1 KiB of off-heap buffers and their bookkeeping.
 */
const ACKS_INITIAL = 8;

/** A will message accepted at CONNECT, published through the ingest hooks on an abnormal close. */
export interface Will {
  readonly kind: string;
  readonly payload: Buffer;
}

/**
 * One MQTT connection over one verified TLS socket. Sessions are not persisted: the
 * subscriptions and in-flight messages live and die with the connection.
 */
export class Client implements FrameSink, ParseSink {
  readonly framer: Framer;
  readonly acks: AckQueue;
  readonly subscriptions = new SubscriptionSet();
  readonly bucket: TokenBucket;
  /** Resolves with the device of the peer certificate; started as soon as TLS completes. */
  readonly auth: Promise<AuthenticatedDevice>;
  version: 4 | 5 = 4;
  deviceId = '';
  state: DeviceState = 'active';
  acl: DeviceAcl | undefined;
  device: DeviceCounters | undefined;
  connected = false;
  connecting = false;
  closed = false;
  will: Will | undefined;
  keepAliveMs = 0;
  lastSeen: number;
  readonly acceptedAt: number;
  /** Packets that arrived while CONNECT was being decided. */
  queued: mqtt.Packet[] | undefined;
  /** QoS 0 publishes whose ingest has not settled. */
  qos0Pending = 0;
  /** Largest packet the client accepts (MQTT 5 CONNECT property). */
  clientMaxPacket = Infinity;
  clientReceiveMaximum = 65535;
  /** Server → device QoS 1 messages awaiting PUBACK. */
  readonly outgoing = new Map<number, (delivered: boolean) => void>();
  #nextId = 1;
  #flushQueued = false;
  #paused = false;

  constructor(
    readonly socket: TLSSocket,
    readonly broker: Broker,
    auth: Promise<AuthenticatedDevice>,
  ) {
    this.auth = auth;
    this.acks = new AckQueue(ACKS_INITIAL);
    this.acceptedAt = this.lastSeen = broker.now;
    this.bucket = new TokenBucket(broker.limits.messageRate.perSecond, broker.limits.messageRate.burst, broker.now);
    this.framer = new Framer(broker.limits.maxPacketSize, this);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', () => this.destroy());
    socket.on('close', () => this.#onClose());
  }

  /** Generates and writes one packet in this connection's protocol version. */
  send(packet: mqtt.Packet): void {
    if (this.closed) return;
    const buf = mqtt.generate(packet, { protocolVersion: this.version });
    this.write(buf);
  }

  write(buf: Buffer): void {
    if (this.closed) return;
    this.broker.counters.bytesOut += buf.length;
    if (this.device !== undefined) this.device.bytesOut += buf.length;
    this.socket.write(buf);
  }

  /**
   * Ends the connection: MQTT 5 clients get a DISCONNECT with `reason` first
   * (MQTT 5.0 §3.14); MQTT 3.1.1 has no server DISCONNECT, the socket is closed.
   */
  disconnect(reason: number): void {
    if (this.closed) return;
    if (this.connected && this.version === 5) this.send({ cmd: 'disconnect', reasonCode: reason });
    this.end();
  }

  /**
   * Closes our side and stops reading: a peer that does not close its side within a second is
   * cut off, so a half-open socket can hold neither memory nor a descriptor.
   */
  end(): void {
    this.closed = true;
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  destroy(): void {
    this.closed = true;
    this.socket.destroy();
  }

  /** Queues the QoS 1 message `messageId`; returns its sequence for `ack`. */
  awaitAck(messageId: number): number {
    const seq = this.acks.push(messageId);
    this.#pauseIfFull();
    return seq;
  }

  /** A QoS 0 message went to the ingest hook; `qos0Settled()` when its ingest settled. */
  qos0Started(): void {
    this.qos0Pending++;
    this.#pauseIfFull();
  }

  qos0Settled(): void {
    this.qos0Pending--;
    this.#resumeIfDrained();
  }

  /**
   * Back-pressure: with Receive Maximum messages waiting for the store, stop reading the socket
   * (MQTT 3.1.1 has no Receive Maximum, and QoS 0 has no acknowledgement to hold back) until
   * half of them settled, instead of refusing or dropping what the device sends.
   */
  #pauseIfFull(): void {
    const max = this.broker.limits.receiveMaximum;
    if (!this.#paused && (this.acks.size >= max || this.qos0Pending >= max)) {
      this.#paused = true;
      this.socket.pause();
    }
  }

  #resumeIfDrained(): void {
    const half = this.broker.limits.receiveMaximum / 2;
    if (this.#paused && this.acks.size < half && this.qos0Pending < half) {
      this.#paused = false;
      this.socket.resume();
    }
  }

  /** Settles a QoS 1 message; PUBACKs leave in arrival order, batched per microtask. */
  ack(seq: number, reason: number): void {
    this.acks.complete(seq, reason);
    if (this.#flushQueued) return;
    this.#flushQueued = true;
    queueMicrotask(() => this.#flushAcks());
  }

  /** Next free packet identifier for a server → device QoS 1 publish ([MQTT-2.3.1-2]). */
  nextMessageId(): number {
    for (let i = 0; i < 65535; i++) {
      const id = this.#nextId;
      this.#nextId = id === 65535 ? 1 : id + 1;
      if (!this.outgoing.has(id)) return id;
    }
    return 0;
  }

  #flushAcks(): void {
    this.#flushQueued = false;
    const buf = this.acks.drain();
    if (buf !== undefined) this.write(buf);
    this.#resumeIfDrained();
  }

  #onData(chunk: Buffer): void {
    if (this.closed) return; // nothing a closing connection sends is read, nor buffered
    const broker = this.broker;
    const now = broker.tick();
    broker.counters.bytesIn += chunk.length;
    if (this.device !== undefined) this.device.bytesIn += chunk.length;
    let packets = 0;
    this.socket.cork();
    try {
      packets = this.framer.push(chunk); // a packet announcing more than the limit is refused before its body is buffered
    } finally {
      this.socket.uncork();
    }
    // [MQTT-3.1.2-24] keep-alive counts control packets, not bytes: trickling one packet keeps nothing alive
    if (packets > 0) this.lastSeen = now;
  }

  // FrameSink: what the framer finds in the socket's bytes, in order.
  framedPublish(packet: mqtt.IPublishPacket): void {
    this.#onPacket(packet);
  }

  framedOther(bytes: Buffer): void {
    this.broker.parser.parse(bytes, this);
  }

  framingMalformed(): void {
    this.#onMalformed();
  }

  framingOversized(): void {
    this.#onOversized();
  }

  framingStopped(): boolean {
    return this.closed;
  }

  /** Known once CONNECT's protocol level was accepted (a refused CONNECT closes the connection). */
  framingVersion(): number | undefined {
    return this.connecting || this.connected ? this.version : undefined;
  }

  // ParseSink: the gateway's parser hands back the packets of this connection's bytes.
  parsedPacket(packet: mqtt.Packet): void {
    this.#onPacket(packet);
  }

  parsedMalformed(): void {
    this.#onMalformed();
  }

  #onPacket(packet: mqtt.Packet): void {
    if (this.closed) return;
    if ((packet.length ?? 0) > this.broker.limits.maxPacketSize) return this.#onOversized();
    if (this.connecting) {
      if (this.queued === undefined) this.queued = [];
      if (this.queued.length >= this.broker.limits.receiveMaximum)
        return this.protocolError(RC.RECEIVE_MAXIMUM_EXCEEDED);
      this.queued.push(packet);
      return;
    }
    dispatch(this, packet);
  }

  /** Runs the packets that arrived while CONNECT was decided. */
  drainQueued(): void {
    const queued = this.queued;
    this.queued = undefined;
    if (queued === undefined) return;
    for (const packet of queued) {
      if (this.closed) return;
      dispatch(this, packet);
    }
  }

  /** A protocol violation: counted, DISCONNECT with `reason` (MQTT 5), socket closed. */
  protocolError(reason: number = RC.PROTOCOL_ERROR): void {
    this.broker.counters.refused.protocolErrors++;
    this.disconnect(reason);
  }

  #onMalformed(): void {
    if (this.closed) return;
    this.broker.counters.refused.malformedPackets++;
    this.disconnect(RC.MALFORMED_PACKET);
  }

  #onOversized(): void {
    this.broker.counters.refused.oversizedPackets++;
    this.disconnect(RC.PACKET_TOO_LARGE); // MQTT 5.0 §3.1.2.11.4
  }

  #onClose(): void {
    this.closed = true;
    const broker = this.broker;
    broker.clients.delete(this);
    for (const resolve of this.outgoing.values()) resolve(false);
    this.outgoing.clear();
    if (!this.connected) return;
    this.connected = false;
    broker.counters.connectionsCurrent--;
    if (this.device !== undefined) this.device.disconnects++;
    if (broker.sessions.get(this.deviceId) === this) broker.sessions.delete(this.deviceId);
    // [MQTT-3.1.2-8] the will is published when the connection closes without DISCONNECT
    // (a DISCONNECT clears it, [MQTT-3.1.2-10]); re-checked against the device's current state.
    const will = this.will;
    if (will !== undefined && this.acl?.publishKind(this.acl.topicOf(will.kind), this.state) !== undefined) {
      publishWill(this, will);
    }
  }
}

function publishWill(client: Client, will: Will): void {
  const hooks = client.broker.hooks;
  const run =
    will.kind === 'telemetry'
      ? hooks.ingestTelemetry?.bind(hooks)
      : (id: string, p: Buffer) => hooks.ingest?.(id, will.kind, p);
  Promise.resolve()
    .then(() => run?.(client.deviceId, will.payload))
    .catch((err: unknown) => client.broker.log.warn({ deviceId: client.deviceId, err }, 'will not ingested'));
}
