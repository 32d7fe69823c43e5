import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { CloseReason, Connection, DeviceCredentials, Transport } from '../core/platform.js';
import { ConnectRefused, isIdentityRefusal, PublishRefused } from '../core/refusals.js';

/** TLS alerts about our certificate: revoked, unknown, expired, refused (RFC 8446 §6.2). */
const CERT_ALERT = /^ERR_SSL_.*ALERT_(CERTIFICATE_|BAD_CERTIFICATE|UNKNOWN_CA|ACCESS_DENIED)/;

export interface MqttTransportOptions {
  /** Keep alive, seconds. Default 30. */
  readonly keepaliveS?: number;
  /** Time allowed for TLS + CONNACK, ms. Default 15 s. */
  readonly connectTimeoutMs?: number;
}

/**
 * MQTT 5 over mutual TLS with mqtt.js: client id = device id, the server checked against the
 * device's CA only, no automatic reconnect (the Agent owns reconnects and their backoff).
 */
export class MqttTransport implements Transport {
  constructor(private readonly options: MqttTransportOptions = {}) {}

  connect(opts: { deviceId: string; credentials: DeviceCredentials; url: string }): Promise<Connection> {
    const { credentials } = opts;
    const client = mqtt.connect(opts.url, {
      protocolVersion: 5,
      clientId: opts.deviceId,
      clean: true,
      ca: credentials.caPem,
      cert: credentials.certPem,
      key: credentials.keyPem,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
      reconnectPeriod: 0,
      keepalive: this.options.keepaliveS ?? 30,
      connectTimeout: this.options.connectTimeoutMs ?? 15_000,
      resubscribe: false,
      queueQoSZero: false,
    } as IClientOptions);
    // Only what the gateway says inside TLS counts as a refusal: a CONNACK reason code, or a
    // certificate alert received after our side of the handshake completed (TLS 1.3: the server
    // checks the client certificate, and the CRL, after our Finished, and its alert is encrypted).
    // An alert before the handshake is plaintext and forgeable: a network failure. A close after
    // the handshake with neither is how Node's TLS server refuses a certificate (it closes without
    // an alert); anyone on the path can do the same, so the Agent reads it as a refusal only right
    // after the gateway's own DISCONNECT 0x98 (`closedAfterHandshake`).
    let handshaken = false;
    (client.stream as { once?: (e: string, fn: () => void) => void } | undefined)?.once?.('secureConnect', () => {
      handshaken = true;
    });
    return new Promise((resolve, reject) => {
      let failure: unknown;
      const onError = (err: unknown) => (failure ??= err);
      client.on('error', onError);
      client.once('connect', () => {
        client.off('error', onError);
        client.off('close', onClose);
        resolve(new MqttConnection(client));
      });
      const onClose = () => {
        client.end(true);
        const refused = refusalOf(failure, handshaken);
        if (refused !== undefined) reject(refused);
        else if (failure === undefined && handshaken) {
          reject(new ConnectRefused({ revoked: false, closedAfterHandshake: true }));
        } else reject(failure ?? new Error('connection closed before CONNACK'));
      };
      client.once('close', onClose);
    });
  }
}

/**
 * The refusal in a connect failure: a CONNACK reason code (MQTT 5.0 §3.2.2.2), or a certificate
 * alert once the handshake completed on our side (RFC 8446 §4.4.2.4: the server answers a bad
 * client certificate with an alert, under the handshake keys).
 */
export function refusalOf(err: unknown, handshaken: boolean): ConnectRefused | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  if (typeof code === 'number') return new ConnectRefused({ code, revoked: isIdentityRefusal(code) }, { cause: err });
  if (handshaken && typeof code === 'string' && CERT_ALERT.test(code)) {
    return new ConnectRefused({ revoked: true }, { cause: err });
  }
  return undefined;
}

class MqttConnection implements Connection {
  readonly #pending = new Set<(err: Error) => void>();
  #closed = false;
  #reason: CloseReason = { revoked: false };

  constructor(private readonly client: MqttClient) {
    client.on('disconnect', (packet) => {
      const code = packet.reasonCode;
      this.#reason = { ...(code === undefined ? {} : { code }), revoked: isIdentityRefusal(code) };
    });
    client.on('error', (err) => {
      const code = (err as { code?: unknown }).code;
      if (typeof code === 'string' && CERT_ALERT.test(code)) this.#reason = { revoked: true };
    });
    client.on('close', () => this.#close());
  }

  publish(topic: string, payload: Uint8Array, qos: 0 | 1): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('connection closed'));
    return new Promise((resolve, reject) => {
      this.#pending.add(reject);
      this.client.publish(
        topic,
        Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength),
        { qos },
        (err) => {
          this.#pending.delete(reject);
          if (!err) return resolve();
          const code = (err as { code?: unknown }).code;
          reject(typeof code === 'number' && code >= 0x80 ? new PublishRefused(code) : err);
        },
      );
    });
  }

  subscribe(filter: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.client.subscribe(filter, { qos: 1 }, (err, granted) => {
        if (err) return reject(err);
        const code = granted?.[0]?.qos ?? 0;
        if (code >= 0x80) reject(new PublishRefused(code));
        else resolve();
      });
    });
  }

  onMessage(fn: (topic: string, payload: Uint8Array) => void): void {
    this.client.on('message', (topic, payload) => fn(topic, payload));
  }

  #closeListeners: ((reason: CloseReason) => void)[] = [];

  onClose(fn: (reason: CloseReason) => void): void {
    if (this.#closed) fn(this.#reason);
    else this.#closeListeners.push(fn);
  }

  end(): Promise<void> {
    return new Promise((resolve) => {
      if (this.#closed) return resolve();
      this.client.end(false, {}, () => {
        this.#close();
        resolve();
      });
    });
  }

  /** mqtt.js keeps unanswered QoS 1 publishes for a reconnect that never comes: fail them here. */
  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.client.end(true);
    const err = new Error('connection closed');
    for (const reject of this.#pending) reject(err);
    this.#pending.clear();
    for (const fn of this.#closeListeners) fn(this.#reason);
  }
}
