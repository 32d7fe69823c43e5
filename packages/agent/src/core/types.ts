import type { FleetwardError } from '@fleetward/protocol';
import type { CommandRegistry } from '../commands/index.js';
import type { MetricsSource } from '../metrics/index.js';
import type { OutboxLimits } from '../outbox/bounded.js';
import type { BackoffOptions } from './backoff.js';
import type { Clock, DeviceCredentials, Keystore, OutboxStorage, Random, Transport } from './platform.js';

export type AgentState = 'starting' | 'connecting' | 'online' | 'offline' | 'revoked' | 'quarantined' | 'stopped';

/** Why the state changed. */
export interface StateDetail {
  /** Reconnect attempt number (0 = first). */
  readonly attempt?: number;
  /** Delay before the next attempt, ms (state `offline`). */
  readonly delayMs?: number;
  /** MQTT 5 reason code behind the change, if any. */
  readonly code?: number;
  readonly reason?: string;
}

export interface AgentEvents extends Record<string, unknown[]> {
  state: [state: AgentState, detail: StateDetail];
  /** A record the gateway acknowledged (QoS 1 PUBACK 0x00), and the time since it was sent. */
  ack: [id: string, latencyMs: number];
  /** A record dropped by the overflow policy or refused for good by the gateway. */
  dropped: [id: string];
  /** A new certificate is in use; its notAfter, ms since the epoch. */
  renewed: [notAfter: number];
  error: [err: FleetwardError];
}

export interface AgentStats {
  /** QoS 1 publishes made (a record resent after a reconnect counts again). */
  sent: number;
  acknowledged: number;
  dropped: number;
  /** Records in the outbox now (in flight included). */
  queued: number;
  /** Connections lost after having been online. */
  reconnects: number;
  /** Latest ack latencies, ms (at most `latencySamples`). */
  ackLatencyMs: number[];
}

export interface AgentOptions {
  readonly deviceId: string;
  /** mqtts://host:port of the gateway. */
  readonly mqttUrl: string;
  /** https://host:port of the server (EST), for renewal. */
  readonly estUrl?: string;
  readonly keystore: Keystore;
  readonly outbox: OutboxStorage;
  readonly transport: Transport;
  readonly clock: Clock;
  readonly random: Random;
  readonly backoff?: BackoffOptions;
  /** When to renew, as a fraction of the certificate lifetime. Default 2/3. */
  readonly renewAt?: number;
  /** Renews the certificate (EST simplereenroll). Without it (or `validity`) no renewal. */
  readonly renew?: (c: DeviceCredentials) => Promise<DeviceCredentials>;
  /** The validity of a certificate, ms since the epoch (the core parses no X.509). */
  readonly validity?: (c: DeviceCredentials) => { notBefore: number; notAfter: number };
  readonly commands?: CommandRegistry;
  /**
   * Server notifications on `devices/<id>/updates/<name>` (the OTA loop). With it set the agent
   * subscribes to `devices/<id>/updates/+` on every connect.
   */
  readonly updates?: (name: string, payload: Uint8Array) => void;
  readonly metrics?: MetricsSource;
  /** Default 60 s; metrics are collected only when `metrics` is set. */
  readonly metricsIntervalMs?: number;
  /** Outbox bounds; default 10,000 records, 16 MiB. */
  readonly limits?: Partial<OutboxLimits>;
  /** Most QoS 1 publishes in flight, in order. Default 16. */
  readonly inflight?: number;
  /** Online this long resets the backoff. Default 30 s. */
  readonly stableMs?: number;
  /** While quarantined, probe with one record this often. Default 60 s. */
  readonly quarantineProbeMs?: number;
  /** Consecutive refused connects (without a prior DISCONNECT 0x98) that mean revoked. Default 3. */
  readonly revokedAfter?: number;
  /** Ack latencies kept for `stats()`. Default 256. */
  readonly latencySamples?: number;
}
