import type { Clock, DeviceState, Logger } from '../kernel/index.js';

/** The device behind a verified certificate. */
export interface AuthenticatedDevice {
  readonly deviceId: string;
  readonly state: DeviceState;
}

/**
 * Security and durability decisions, injected by the composition root. Every hook that is
 * not set denies: without `authenticate` no connection is accepted, without `ingestTelemetry`
 * no telemetry is accepted.
 */
export interface GatewayHooks {
  /** Called with the verified peer certificate (DER); returns the device or throws a coded error (deny). */
  authenticate?(certDer: Buffer): Promise<AuthenticatedDevice>;
  /** Called for each authorized telemetry publish; resolves only when durable (the QoS 1 PUBACK follows it). */
  ingestTelemetry?(deviceId: string, payload: Buffer): Promise<void>;
  /** Other device topics (metrics, events, state, command replies); same durability contract. */
  ingest?(deviceId: string, kind: string, payload: Buffer): Promise<void>;
}

/** One CRL or several, DER or PEM. */
export type CrlInput = Buffer | string | ReadonlyArray<Buffer | string>;

export interface GatewayTls {
  readonly key: string | Buffer;
  readonly cert: string | Buffer;
  /** Roots and issuing certificates that client certificates must chain to. */
  readonly ca: string | Buffer | ReadonlyArray<string | Buffer>;
  /**
   * The current CRLs (DER or PEM), read at listen and on every `setCrl()` without argument.
   * Node checks revocation for the whole chain (OpenSSL X509_V_FLAG_CRL_CHECK_ALL): give a
   * CRL of every CA in `ca` (issuing and root), or every client certificate is refused.
   */
  readonly crl?: () => CrlInput | undefined;
}

export interface GatewayLimits {
  /** Largest packet accepted and announced in the MQTT 5 CONNACK (bytes). */
  readonly maxPacketSize: number;
  readonly maxTopicLength: number;
  /** QoS 1 publishes in flight per connection (Receive Maximum). */
  readonly receiveMaximum: number;
  readonly maxSubscriptions: number;
  /** Milliseconds a socket may stay without sending CONNECT. */
  readonly connectTimeoutMs: number;
  /** Milliseconds for the TLS handshake. */
  readonly handshakeTimeoutMs: number;
  /** Token bucket of connection attempts per source address. */
  readonly connectRate: { readonly perSecond: number; readonly burst: number };
  /** Token bucket of publishes per client. */
  readonly messageRate: { readonly perSecond: number; readonly burst: number };
  /** Milliseconds `close()` waits for pending acknowledgements. */
  readonly closeGraceMs: number;
  /**
   * Milliseconds a server → device QoS 1 publish waits for its PUBACK before it is reported not
   * delivered: a device that never acknowledges cannot hold its caller (a rollout) forever.
   */
  readonly publishAckTimeoutMs: number;
}

export const DEFAULT_LIMITS: GatewayLimits = {
  maxPacketSize: 64 * 1024,
  maxTopicLength: 256,
  receiveMaximum: 100,
  maxSubscriptions: 32,
  connectTimeoutMs: 10_000,
  handshakeTimeoutMs: 10_000,
  connectRate: { perSecond: 50, burst: 500 },
  messageRate: { perSecond: 200, burst: 1000 },
  closeGraceMs: 5_000,
  publishAckTimeoutMs: 10_000,
};

export interface GatewayOptions {
  readonly tls: GatewayTls;
  readonly hooks?: GatewayHooks;
  readonly limits?: Partial<GatewayLimits>;
  readonly log?: Logger;
  readonly clock?: Clock;
}

export interface PublishOptions {
  readonly qos?: 0 | 1;
}

/** Outcome of a server → device publish. */
export interface PublishResult {
  /** True when the device had a matching subscription and (QoS 1) acknowledged. */
  readonly delivered: boolean;
}
