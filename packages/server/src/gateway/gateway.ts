import type { AddressInfo, Socket } from 'node:net';
import { createServer, type TLSSocket } from 'node:tls';
import { silentLogger, systemClock, type DeviceState } from '../kernel/index.js';
import { Broker } from './broker.js';
import { Client } from './client.js';
import { snapshot, type GatewayCounters, type GatewayStats } from './counters.js';
import { gatewayError } from './errors.js';
import { publishToDevice } from './outbound.js';
import { RC } from './reason-codes.js';
import { newTicketKeys, secureContextOptions, serverOptions } from './tls.js';
import { AddressBuckets } from './token-bucket.js';
import {
  DEFAULT_LIMITS,
  type AuthenticatedDevice,
  type CrlInput,
  type GatewayOptions,
  type PublishOptions,
  type PublishResult,
} from './types.js';

/** The MQTT device gateway: MQTT 3.1.1 and 5 over mutual TLS, certificate-bound topic ACLs. */
export interface Gateway {
  listen(port: number, host?: string): Promise<AddressInfo>;
  /** Graceful: stops accepting, flushes pending acknowledgements, then closes every session. */
  close(): Promise<void>;
  /** Closes the live session of a device (MQTT 5 DISCONNECT 0x98 administrative action). */
  disconnect(deviceId: string, reason?: string): boolean;
  /** Applies a state change to the live session: revoked/retired close it, quarantined narrows its ACL. */
  setState(deviceId: string, state: DeviceState): void;
  /** Server → device publish to `devices/{id}/commands/…` or `devices/{id}/updates/…`. */
  publish(topic: string, payload: Buffer | string, options?: PublishOptions): Promise<PublishResult>;
  /** Reloads the CRL (from `tls.crl()` when no argument) and rotates session ticket keys. */
  setCrl(crl?: CrlInput): void;
  stats(): GatewayStats;
  readonly counters: GatewayCounters;
}

export function createGateway(options: GatewayOptions): Gateway {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const broker = new Broker(options.hooks ?? {}, limits, options.log ?? silentLogger, options.clock ?? systemClock);
  const server = createServer(serverOptions(options.tls, limits.handshakeTimeoutMs));
  const connectBuckets = new AddressBuckets(limits.connectRate.perSecond, limits.connectRate.burst);
  let sweeper: NodeJS.Timeout | undefined;

  // Connection attempts per source address are limited before any TLS work is done.
  server.prependListener('connection', (socket: Socket) => {
    if (broker.closing || !connectBuckets.take(socket.remoteAddress ?? '', broker.tick())) {
      broker.counters.refused.connectRate++;
      socket.destroy();
    }
  });
  server.on('tlsClientError', () => broker.counters.refused.tlsHandshake++);
  server.on('secureConnection', (socket: TLSSocket) => accept(broker, socket));

  return {
    counters: broker.counters,
    listen: (port, host = '127.0.0.1') =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          sweeper = setInterval(() => sweep(broker, connectBuckets), 1000).unref();
          resolve(server.address() as AddressInfo);
        });
      }),
    close: async () => {
      broker.closing = true;
      if (sweeper !== undefined) clearInterval(sweeper);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await closeSessions(broker);
      await closed;
    },
    disconnect: (deviceId, reason) => {
      const client = broker.sessions.get(deviceId);
      if (client === undefined) return false;
      broker.log.info({ deviceId, reason }, 'mqtt session closed by the server');
      client.disconnect(RC.ADMINISTRATIVE_ACTION);
      return true;
    },
    setState: (deviceId, state) => applyState(broker, deviceId, state),
    publish: (topic, payload, opts) => {
      if (broker.closing) return Promise.reject(gatewayError('FW_GATEWAY_CLOSED', 'the gateway is closing'));
      return publishToDevice(
        broker,
        topic,
        typeof payload === 'string' ? Buffer.from(payload) : payload,
        opts?.qos ?? 0,
      );
    },
    setCrl: (crl) => {
      server.setSecureContext(secureContextOptions(options.tls, crl ?? options.tls.crl?.()));
      server.setTicketKeys(newTicketKeys());
    },
    stats: () => snapshot(broker.counters, broker.clock.now()),
  };
}

/** A verified TLS peer: authentication starts at once, in parallel with reading CONNECT. */
function accept(broker: Broker, socket: TLSSocket): void {
  // getPeerCertificate(false) costs ~45 µs per connection, getPeerX509Certificate() ~215 µs
  // (it copies the verified chain); only the DER is needed. Without a certificate: {} (no raw).
  const der = (socket.getPeerCertificate(false) as { raw?: Buffer }).raw;
  const hooks = broker.hooks;
  let auth: Promise<AuthenticatedDevice>;
  if (der === undefined) auth = Promise.reject(gatewayError('FW_GATEWAY_NOT_AUTHORIZED', 'no client certificate'));
  else if (hooks.authenticate === undefined)
    auth = Promise.reject(gatewayError('FW_GATEWAY_HOOK_UNSET', 'no authenticate hook'));
  else {
    try {
      auth = hooks.authenticate(der);
    } catch (err) {
      auth = Promise.reject(err);
    }
  }
  auth.catch(() => undefined); // observed by the CONNECT handler; never an unhandled rejection
  socket.setNoDelay(true);
  broker.clients.add(new Client(socket, broker, auth));
}

/** Once a second: connect timeouts, [MQTT-3.1.2-24] keep-alive (1.5x), bucket pruning. */
function sweep(broker: Broker, buckets: AddressBuckets): void {
  const now = broker.tick();
  for (const client of broker.clients) {
    if (client.closed) continue;
    if (!client.connected) {
      if (now - client.acceptedAt > broker.limits.connectTimeoutMs) {
        broker.counters.refused.connectTimeout++;
        client.destroy();
      }
    } else if (client.keepAliveMs > 0 && now - client.lastSeen > client.keepAliveMs) {
      broker.counters.refused.keepAlive++;
      client.disconnect(RC.KEEP_ALIVE_TIMEOUT);
    }
  }
  buckets.prune(now);
  // A connection not CONNECTed within the timeout is closed: older changes concern nobody waiting.
  const horizon = now - broker.limits.connectTimeoutMs - 1000;
  for (const [id, change] of broker.stateChanges) if (change.at < horizon) broker.stateChanges.delete(id);
}

function applyState(broker: Broker, deviceId: string, state: DeviceState): void {
  broker.stateChanges.set(deviceId, { state, at: broker.tick() });
  const client = broker.sessions.get(deviceId);
  if (client === undefined) return;
  client.state = state;
  if (state === 'revoked' || state === 'retired') return client.disconnect(RC.ADMINISTRATIVE_ACTION);
  // Quarantine: subscriptions the narrower ACL refuses are dropped at once.
  client.subscriptions.retain((filter) => client.acl!.maySubscribe(filter, state));
}

/** Waits (bounded) for pending QoS 1 acknowledgements, then closes every connection (v5 0x8B). */
async function closeSessions(broker: Broker): Promise<void> {
  const deadline = broker.tick() + broker.limits.closeGraceMs;
  for (const client of broker.clients) if (!client.connected) client.destroy();
  while ([...broker.clients].some((c) => c.connected && c.acks.size > 0) && broker.tick() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const open = [...broker.clients];
  for (const client of open) client.disconnect(RC.SERVER_SHUTTING_DOWN);
  await Promise.all(
    open.map(
      (client) =>
        new Promise<void>((resolve) => {
          if (client.socket.destroyed) return resolve();
          client.socket.once('close', () => resolve());
        }),
    ),
  );
}
