import type { CloseReason, Connection, DeviceCredentials, Transport } from '../core/platform.js';
import { ConnectRefused, PublishRefused } from '../core/refusals.js';

export interface Published {
  readonly topic: string;
  readonly payload: Uint8Array;
  readonly qos: 0 | 1;
  /** Settles the publish: reason 0 (or none) acknowledges, >= 0x80 refuses. */
  settle(reason?: number): void;
  settled: boolean;
}

/** A scripted gateway connection: acks, refusals, closes, and server messages. */
export class FakeConnection implements Connection {
  readonly published: Published[] = [];
  readonly subscriptions: string[] = [];
  readonly #message: ((topic: string, payload: Uint8Array) => void)[] = [];
  readonly #close: ((reason: CloseReason) => void)[] = [];
  readonly #pending = new Set<() => void>();
  closed = false;

  /** `auto`: answer every QoS 1 publish with this reason code at once; undefined: manual. */
  constructor(public auto?: number) {}

  publish(topic: string, payload: Uint8Array, qos: 0 | 1): Promise<void> {
    if (this.closed) return Promise.reject(new Error('closed'));
    return new Promise((resolve, reject) => {
      const fail = () => reject(new Error('connection closed'));
      const p: Published = {
        topic,
        payload,
        qos,
        settled: false,
        settle: (reason = 0) => {
          if (p.settled || this.closed) return;
          p.settled = true;
          this.#pending.delete(fail);
          if (reason >= 0x80) reject(new PublishRefused(reason));
          else resolve();
        },
      };
      this.#pending.add(fail);
      this.published.push(p);
      if (qos === 0) p.settle(0);
      else if (this.auto !== undefined) p.settle(this.auto);
    });
  }

  /** Publishes not yet answered, oldest first. */
  unsettled(): Published[] {
    return this.published.filter((p) => !p.settled);
  }

  subscribe(filter: string): Promise<void> {
    this.subscriptions.push(filter);
    return Promise.resolve();
  }

  onMessage(fn: (topic: string, payload: Uint8Array) => void): void {
    this.#message.push(fn);
  }

  onClose(fn: (reason: CloseReason) => void): void {
    this.#close.push(fn);
  }

  end(): Promise<void> {
    this.drop({ revoked: false });
    return Promise.resolve();
  }

  /** The server sends a message to the device. */
  deliver(topic: string, payload: Uint8Array | string): void {
    const bytes = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
    for (const fn of this.#message) fn(topic, bytes);
  }

  /** The connection drops (network, or a server DISCONNECT with `reason.code`); unanswered publishes fail. */
  drop(reason: CloseReason = { revoked: false }): void {
    if (this.closed) return;
    this.closed = true;
    for (const fail of this.#pending) fail();
    this.#pending.clear();
    for (const fn of this.#close) fn(reason);
  }
}

export type ConnectOutcome = 'accept' | 'network-error' | CloseReason;

/**
 * A transport whose connect outcomes are scripted: `outcomes` is consumed first, then
 * `otherwise` applies. Every attempt is recorded with the time `now()` gives.
 */
export class FakeTransport implements Transport {
  readonly attempts: { at: number; credentials: DeviceCredentials }[] = [];
  readonly connections: FakeConnection[] = [];
  outcomes: ConnectOutcome[] = [];
  otherwise: ConnectOutcome = 'accept';
  /** Reason code new connections answer publishes with; undefined = manual. */
  autoAck: number | undefined = 0;

  constructor(private readonly now: () => number = () => 0) {}

  get current(): FakeConnection | undefined {
    const last = this.connections[this.connections.length - 1];
    return last && !last.closed ? last : undefined;
  }

  connect(opts: { deviceId: string; credentials: DeviceCredentials; url: string }): Promise<Connection> {
    this.attempts.push({ at: this.now(), credentials: opts.credentials });
    const outcome = this.outcomes.shift() ?? this.otherwise;
    if (outcome === 'network-error') return Promise.reject(new Error('ECONNREFUSED'));
    if (outcome !== 'accept') return Promise.reject(new ConnectRefused(outcome));
    const conn = new FakeConnection(this.autoAck);
    this.connections.push(conn);
    return Promise.resolve(conn);
  }
}
