/**
 * Platform interfaces (the matter.js way): the agent core imports no Node module. Node
 * adapters live in `node/`, in-memory fakes in `fakes/`.
 */

/** An opaque timer handle. */
export type TimerHandle = unknown;

/** Time: milliseconds since the epoch, and one-shot timers. */
export interface Clock {
  now(): number;
  setTimer(fn: () => void, ms: number): TimerHandle;
  clearTimer(h: TimerHandle): void;
}

/** A source of uniform numbers in [0, 1); seeded in tests (`seededRandom`). */
export interface Random {
  next(): number;
}

/** What the outbox stores, in order. `id` is also the `messageId` in the payload. */
export type OutboxTopic = 'telemetry' | 'events' | 'metrics' | 'state' | 'updates/status';

export interface OutboxRecord {
  readonly id: string;
  readonly topic: OutboxTopic;
  readonly payload: Uint8Array;
  readonly critical: boolean;
  readonly createdAt: number;
}

/** A durable FIFO queue of records. */
export interface OutboxStorage {
  /** Resolves when the record is durable (file adapter: fsync'd). */
  append(rec: OutboxRecord): Promise<void>;
  /** Oldest first, at most `max`. */
  peek(max: number): Promise<OutboxRecord[]>;
  /** Removes the records with these ids (unknown ids are ignored). */
  remove(ids: readonly string[]): Promise<void>;
  size(): { records: number; bytes: number };
}

/** The identity of an enrolled device, PEM text. `certPem` may hold the chain after the leaf. */
export interface DeviceCredentials {
  readonly deviceId: string;
  readonly keyPem: string;
  readonly certPem: string;
  readonly caPem: string;
}

export interface Keystore {
  load(): Promise<DeviceCredentials | undefined>;
  save(c: DeviceCredentials): Promise<void>;
}

/** Why a connection closed, or was refused. */
export interface CloseReason {
  /** MQTT 5 reason code of the server's CONNACK or DISCONNECT, when there was one. */
  readonly code?: number;
  /**
   * The server refused this identity: CONNACK 0x86/0x87/0x98, DISCONNECT 0x98 (administrative
   * action) or a TLS alert about our certificate (revoked, unknown, bad).
   */
  readonly revoked: boolean;
  /**
   * The connection closed after the TLS handshake, before any CONNACK, with no reason given: how
   * a gateway that checks certificates in the handshake refuses one (it closes), but also what
   * anyone on the path can do. Read as a refusal only right after a DISCONNECT 0x98.
   */
  readonly closedAfterHandshake?: boolean;
}

/** One MQTT connection attempt. */
export interface Transport {
  /**
   * Rejects with an error that carries `reason: CloseReason` when the server refused us
   * (see `connectRefusal`), or any other error when the network failed.
   */
  connect(opts: { deviceId: string; credentials: DeviceCredentials; url: string }): Promise<Connection>;
}

export interface Connection {
  /** QoS 1 resolves on a successful PUBACK; rejects with a `PublishRefused` (reason code) or on close. */
  publish(topic: string, payload: Uint8Array, qos: 0 | 1): Promise<void>;
  subscribe(filter: string): Promise<void>;
  onMessage(fn: (topic: string, payload: Uint8Array) => void): void;
  onClose(fn: (reason: CloseReason) => void): void;
  end(): Promise<void>;
}
