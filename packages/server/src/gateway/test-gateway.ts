/**
 * Test support: a gateway on 127.0.0.1:0 with in-memory hooks, and mqtt.js clients with
 * test certificates. Used by the gateway tests only.
 */
import { parseTelemetry } from '@fleetward/protocol';
import { connect, type IClientOptions, type IConnackPacket, type MqttClient } from 'mqtt';
import type { DeviceState } from '../kernel/index.js';
import { gatewayError } from './errors.js';
import { createGateway, type Gateway } from './gateway.js';
import { commonName, TestPki, type Credential } from './test-pki.js';
import type { GatewayHooks, GatewayLimits } from './types.js';

export interface Ingested {
  readonly deviceId: string;
  readonly kind: string;
  readonly payload: Buffer;
}

export interface Harness {
  readonly gateway: Gateway;
  readonly port: number;
  readonly pki: TestPki;
  /** Device states the fake authenticate hook answers with; unknown devices are refused. */
  readonly states: Map<string, DeviceState>;
  readonly ingested: Ingested[];
  /** When set, every ingest waits for it (to hold QoS 1 acknowledgements). */
  gate: Promise<void> | undefined;
  /** Ingest calls begun (before the gate): what a test waits on instead of a sleep. */
  arrived: number;
  /** Calls of the authenticate hook answered (one per TLS connection accepted). */
  authenticated: number;
  /** CRLs served to the gateway (DER). */
  crl: Buffer[] | undefined;
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly pki?: TestPki;
  readonly hooks?: GatewayHooks;
  readonly limits?: Partial<GatewayLimits>;
  readonly crl?: Buffer[];
}

export async function startGateway(options: HarnessOptions = {}): Promise<Harness> {
  const pki = options.pki ?? (await TestPki.create());
  const states = new Map<string, DeviceState>();
  const ingested: Ingested[] = [];
  const harness = { pki, states, ingested, gate: undefined, arrived: 0, authenticated: 0, crl: options.crl } as Harness;
  const hooks: GatewayHooks = options.hooks ?? {
    authenticate: async (der) => {
      const deviceId = commonName(der);
      const state = states.get(deviceId);
      harness.authenticated++;
      if (state === undefined) throw gatewayError('FW_GATEWAY_NOT_AUTHORIZED', 'unknown device');
      return { deviceId, state };
    },
    ingestTelemetry: async (deviceId, payload) => {
      parseTelemetry(payload); // throws a coded input error for bad payloads
      harness.arrived++;
      if (harness.gate !== undefined) await harness.gate;
      ingested.push({ deviceId, kind: 'telemetry', payload });
    },
    ingest: async (deviceId, kind, payload) => {
      harness.arrived++;
      if (harness.gate !== undefined) await harness.gate;
      ingested.push({ deviceId, kind, payload });
    },
  };
  const gateway = createGateway({
    tls: { key: pki.server.keyPem, cert: pki.server.certPem, ca: pki.caPems, crl: () => harness.crl },
    hooks,
    limits: { connectRate: { perSecond: 10_000, burst: 10_000 }, ...options.limits },
  });
  const address = await gateway.listen(0, '127.0.0.1');
  return Object.assign(harness, { gateway, port: address.port, close: () => gateway.close() });
}

const connacks = new WeakMap<MqttClient, IConnackPacket>();

/** Connects mqtt.js with a device credential; rejects on the first error or refusal. */
export function connectDevice(
  h: Harness,
  cred: Credential | undefined,
  options: Partial<IClientOptions> = {},
): Promise<MqttClient> {
  const client = connect({
    protocol: 'mqtts',
    host: '127.0.0.1',
    port: h.port,
    ca: h.pki.caBundle,
    ...(cred === undefined ? {} : { cert: cred.certPem, key: cred.keyPem, clientId: cred.id }),
    protocolVersion: 5,
    reconnectPeriod: 0,
    connectTimeout: 5000,
    ...options,
  });
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => {
      client.end(true);
      reject(err);
    };
    const onClose = (): void => reject(Object.assign(new Error('closed before CONNACK'), { code: 'ECONNRESET' }));
    client.once('connect', (connack) => {
      connacks.set(client, connack);
      client.off('error', onError);
      client.off('close', onClose);
      client.on('error', () => undefined); // refusals surface through the calls that caused them
      resolve(client);
    });
    client.once('error', onError);
    client.once('close', onClose);
  });
}

/** The CONNACK a client connected with. */
export function connackOf(client: MqttClient): IConnackPacket | undefined {
  return connacks.get(client);
}

/** Resolves when `client` is closed by the server. */
export function closed(client: MqttClient): Promise<void> {
  return new Promise((resolve) => {
    if (client.disconnected) return resolve();
    client.once('close', () => resolve());
  });
}

export async function endAll(clients: readonly MqttClient[]): Promise<void> {
  await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Publishes at QoS 1 and returns the PUBACK reason code (0 when accepted). */
export async function publishCode(
  client: MqttClient,
  topic: string,
  payload: Buffer | string = '{"t":21.5}',
): Promise<number> {
  try {
    await client.publishAsync(topic, payload, { qos: 1 });
    return 0;
  } catch (err) {
    return (err as { code?: number }).code ?? -1;
  }
}

/** Subscribes and returns the SUBACK codes as sent (mqtt.js turns refusals into errors). */
export async function subscribeCodes(client: MqttClient, filters: string[]): Promise<number[]> {
  const suback = new Promise<number[]>((resolve) => {
    const onPacket = (packet: { cmd: string; granted?: unknown }): void => {
      if (packet.cmd !== 'suback') return;
      client.off('packetreceive', onPacket);
      resolve(packet.granted as number[]);
    };
    client.on('packetreceive', onPacket);
  });
  await client.subscribeAsync(filters, { qos: 1 }).catch(() => undefined);
  return suback;
}

/** Resolves once `check()` holds (polled every 5 ms): waits for what the gateway has visibly done. */
export async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 5));
}
