import type { TLSSocket } from 'node:tls';
import mqtt, { type Packet } from 'mqtt-packet';
import { PublishRefused, type Clock, type CloseReason, type Connection } from '@fleetward/agent';

const V5 = { protocolVersion: 5 } as const;
/** MQTT 5.0 §2.4: CONNACK/DISCONNECT codes that refuse the identity itself. */
const IDENTITY_REFUSALS = new Set([0x86, 0x87, 0x8a, 0x98]);

export function isIdentityRefusal(code: number | undefined): boolean {
  return code !== undefined && IDENTITY_REFUSALS.has(code);
}

interface Pending {
  resolve(): void;
  reject(err: Error): void;
}

/**
 * One MQTT 5 session over a TLS socket, after CONNACK 0x00: QoS 1 publishes with packet ids,
 * SUBSCRIBE, inbound PUBLISH (commands, acknowledged), keep-alive driven by the shared clock
 * (no Node timer per connection), and one close report.
 */
export class SimConnection implements Connection {
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #onMessage: ((topic: string, payload: Uint8Array) => void) | undefined;
  #onClose: ((reason: CloseReason) => void) | undefined;
  #closed: CloseReason | undefined;
  #disconnectCode: number | undefined;
  #ping: unknown;
  #heard = true;
  #silent = 0;
  #ended: Promise<void> | undefined;

  constructor(
    private readonly socket: TLSSocket,
    parser: ReturnType<typeof mqtt.parser>,
    private readonly clock: Clock,
    private readonly keepaliveMs: number,
  ) {
    parser.removeAllListeners('packet');
    parser.on('packet', (p: Packet) => this.#packet(p));
    parser.on('error', () => socket.destroy()); // a malformed packet from the server ends the session
    socket.on('close', () => this.#close());
    this.#armPing();
  }

  publish(topic: string, payload: Uint8Array, qos: 0 | 1): Promise<void> {
    if (this.#closed !== undefined) return Promise.reject(new Error('connection closed'));
    if (qos === 0) {
      this.#write({ cmd: 'publish', topic, payload: Buffer.from(payload), qos: 0, retain: false, dup: false });
      return Promise.resolve();
    }
    const messageId = this.#allocate();
    return new Promise((resolve, reject) => {
      this.#pending.set(messageId, { resolve, reject });
      this.#write({
        cmd: 'publish',
        topic,
        payload: Buffer.from(payload),
        qos: 1,
        messageId,
        retain: false,
        dup: false,
      });
    });
  }

  subscribe(filter: string): Promise<void> {
    if (this.#closed !== undefined) return Promise.reject(new Error('connection closed'));
    const messageId = this.#allocate();
    return new Promise((resolve, reject) => {
      this.#pending.set(messageId, { resolve, reject });
      this.#write({ cmd: 'subscribe', messageId, subscriptions: [{ topic: filter, qos: 1 }] });
    });
  }

  onMessage(fn: (topic: string, payload: Uint8Array) => void): void {
    this.#onMessage = fn;
  }

  onClose(fn: (reason: CloseReason) => void): void {
    this.#onClose = fn;
    if (this.#closed !== undefined) fn(this.#closed);
  }

  /** Sends DISCONNECT 0x00 and closes; resolves when the socket is closed (or after 2 s). */
  end(): Promise<void> {
    return (this.#ended ??= new Promise<void>((resolve) => {
      if (this.socket.destroyed) return resolve();
      const timer = this.clock.setTimer(() => {
        this.socket.destroy();
        resolve();
      }, 2000);
      this.socket.once('close', () => {
        this.clock.clearTimer(timer);
        resolve();
      });
      this.#write({ cmd: 'disconnect', reasonCode: 0 });
      this.socket.end();
    }));
  }

  #packet(p: Packet): void {
    this.#heard = true;
    switch (p.cmd) {
      case 'puback':
      case 'suback': {
        const pending = this.#pending.get(p.messageId ?? -1);
        if (pending === undefined) return;
        this.#pending.delete(p.messageId!);
        const code = p.cmd === 'puback' ? (p.reasonCode ?? 0) : ((p.granted[0] as number | undefined) ?? 0x80);
        if (code >= 0x80)
          pending.reject(p.cmd === 'puback' ? new PublishRefused(code) : new Error(`SUBACK 0x${code.toString(16)}`));
        else pending.resolve();
        return;
      }
      case 'publish': {
        if (p.qos === 1 && p.messageId !== undefined)
          this.#write({ cmd: 'puback', messageId: p.messageId, reasonCode: 0 });
        const payload = typeof p.payload === 'string' ? Buffer.from(p.payload) : p.payload;
        this.#onMessage?.(p.topic, payload);
        return;
      }
      case 'disconnect':
        this.#disconnectCode = p.reasonCode ?? 0;
        return;
      default:
        return; // pingresp and anything else
    }
  }

  #allocate(): number {
    for (let i = 0; i < 65535; i++) {
      const id = this.#nextId;
      this.#nextId = id === 65535 ? 1 : id + 1;
      if (!this.#pending.has(id)) return id;
    }
    throw new Error('no free packet id');
  }

  #write(packet: Packet): void {
    if (this.socket.destroyed) return;
    this.socket.write(mqtt.generate(packet, V5));
  }

  /**
   * [MQTT-3.1.2-20] a PINGREQ each keep-alive; two whole periods of silence mean the peer is
   * gone (one is too short for an overloaded gateway whose answers queue behind its commits).
   */
  #armPing(): void {
    if (this.keepaliveMs <= 0) return;
    this.#ping = this.clock.setTimer(() => {
      if (this.#closed !== undefined) return;
      if (this.#heard) this.#silent = 0;
      else if (++this.#silent >= 2) return void this.socket.destroy();
      this.#heard = false;
      this.#write({ cmd: 'pingreq' });
      this.#armPing();
    }, this.keepaliveMs);
  }

  #close(): void {
    if (this.#closed !== undefined) return;
    this.clock.clearTimer(this.#ping);
    const code = this.#disconnectCode;
    this.#closed = code === undefined ? { revoked: false } : { code, revoked: isIdentityRefusal(code) };
    const err = new Error('connection closed');
    for (const p of this.#pending.values()) p.reject(err);
    this.#pending.clear();
    this.#onClose?.(this.#closed);
  }
}
