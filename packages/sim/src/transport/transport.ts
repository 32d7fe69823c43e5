import { connect, type TLSSocket } from 'node:tls';
import { isIP } from 'node:net';
import mqtt, { type Packet } from 'mqtt-packet';
import { ConnectRefused, type Clock, type Connection, type DeviceCredentials, type Transport } from '@fleetward/agent';
import { SimConnection, isIdentityRefusal } from './connection.js';
import { ContextCache } from './contexts.js';
import { Semaphore } from './semaphore.js';

export interface SimTransportOptions {
  /** The fleet's shared clock: connect timeouts and keep-alive pings go through it. */
  readonly clock: Clock;
  /** TLS handshakes (and MQTT CONNECTs) in progress at once, over the whole fleet. Default 64. */
  readonly handshakes?: number;
  /** Keep-alive, seconds. Default 60. */
  readonly keepaliveSeconds?: number;
  /** Give up a connection attempt after this long. Default 30 s. */
  readonly connectTimeoutMs?: number;
  /**
   * Source addresses to spread connections over (e.g. 127.0.0.2-127.0.0.255 on loopback, so a
   * benchmark looks like many hosts to the gateway's per-address connect limit). Default: any.
   */
  readonly localAddresses?: readonly string[];
}

/** TLS alerts by which a server refuses our certificate (revoked, unknown, expired). */
const IDENTITY_ALERT =
  /ALERT_(CERTIFICATE_(REVOKED|EXPIRED|UNKNOWN|REQUIRED)|BAD_CERTIFICATE|UNKNOWN_CA|ACCESS_DENIED)/;

/**
 * The simulator's MQTT 5 transport: raw MQTT packets (mqtt-packet) over mutual TLS, the agent's
 * `Transport` contract with less per-device weight than a full client library: no Node timer
 * per connection, TLS contexts reused across reconnects, a fleet-wide bound on handshakes.
 */
export class SimTransport implements Transport {
  readonly contexts = new ContextCache();
  readonly #handshakes: Semaphore;
  #next = 0;

  constructor(private readonly options: SimTransportOptions) {
    this.#handshakes = new Semaphore(options.handshakes ?? 64);
  }

  async connect(opts: { deviceId: string; credentials: DeviceCredentials; url: string }): Promise<Connection> {
    const release = await this.#handshakes.acquire();
    try {
      return await this.#connect(opts);
    } finally {
      release();
    }
  }

  #connect({ deviceId, credentials, url }: { deviceId: string; credentials: DeviceCredentials; url: string }) {
    const target = new URL(url);
    const host = target.hostname.replace(/^\[|\]$/g, '');
    const keepaliveSeconds = this.options.keepaliveSeconds ?? 60;
    const socket: TLSSocket = connect({
      host,
      port: Number(target.port || 8883),
      secureContext: this.contexts.get(credentials),
      rejectUnauthorized: true,
      ...(isIP(host) ? {} : { servername: host }),
      ...this.#localAddress(),
    });
    socket.setNoDelay(true);
    const parser = mqtt.parser({ protocolVersion: 5 });
    socket.on('data', (chunk: Buffer) => parser.parse(chunk));
    return new Promise<Connection>((resolve, reject) => {
      let settled = false;
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        this.options.clock.clearTimer(timer);
        socket.destroy();
        reject(err);
      };
      const timer = this.options.clock.setTimer(
        () => fail(new Error('connect timed out')),
        this.options.connectTimeoutMs ?? 30_000,
      );
      socket.once('secureConnect', () => {
        const connectPacket: Packet = {
          cmd: 'connect',
          protocolId: 'MQTT',
          protocolVersion: 5,
          clientId: deviceId,
          clean: true,
          keepalive: keepaliveSeconds,
        };
        socket.write(mqtt.generate(connectPacket, { protocolVersion: 5 }));
      });
      const onError = (err: NodeJS.ErrnoException) => {
        const code = `${err.code ?? ''} ${err.message}`.toUpperCase().replace(/ /g, '_');
        fail(IDENTITY_ALERT.test(code) ? new ConnectRefused({ revoked: true }, { cause: err }) : err);
      };
      const onClose = () => fail(new Error('connection closed before CONNACK'));
      socket.on('error', onError);
      socket.once('close', onClose);
      parser.on('error', (err: Error) => fail(err));
      parser.once('packet', (p: Packet) => {
        if (settled) return;
        if (p.cmd !== 'connack') return fail(new Error(`expected CONNACK, got ${p.cmd}`));
        const code = p.reasonCode ?? p.returnCode ?? 0;
        if (code !== 0) return fail(new ConnectRefused({ code, revoked: isIdentityRefusal(code) }));
        settled = true;
        this.options.clock.clearTimer(timer);
        socket.off('error', onError);
        socket.off('close', onClose);
        socket.on('error', () => socket.destroy());
        resolve(new SimConnection(socket, parser, this.options.clock, keepaliveSeconds * 1000));
      });
    });
  }

  #localAddress(): { localAddress?: string } {
    const all = this.options.localAddresses;
    if (all === undefined || all.length === 0) return {};
    return { localAddress: all[this.#next++ % all.length]! };
  }
}
