import { join } from 'node:path';
import { Agent } from '../core/agent.js';
import type { BackoffOptions } from '../core/backoff.js';
import type { DeviceCredentials } from '../core/platform.js';
import { mathRandom } from '../core/random.js';
import type { AgentOptions } from '../core/types.js';
import { reenrollDevice } from '../enroll/index.js';
import { agentError } from '../errors.js';
import type { CommandRegistry } from '../commands/index.js';
import type { MetricsSource } from '../metrics/index.js';
import { FileKeystore, validityOf } from './file-keystore.js';
import { FileOutbox } from './file-outbox.js';
import { MqttTransport } from './mqtt-transport.js';
import { systemClock } from './system-clock.js';

export interface NodeAgentOptions {
  /** The enrolled directory: device.key, device.crt, ca.pem; the outbox goes in `dir/outbox`. */
  readonly dir: string;
  /** https://host:port of the server (EST renewal). */
  readonly server: string;
  /** mqtts://host:port of the gateway; default the server's host, port 8883. */
  readonly mqttUrl?: string;
  readonly backoff?: BackoffOptions;
  readonly renewAt?: number;
  readonly commands?: CommandRegistry;
  readonly metrics?: MetricsSource;
  readonly metricsIntervalMs?: number;
  readonly limits?: AgentOptions['limits'];
  readonly inflight?: number;
}

/** The default gateway URL for a server URL: same host, port 8883. */
export function defaultMqttUrl(server: string): string {
  const url = new URL(server);
  return `mqtts://${url.hostname.includes(':') ? `[${url.hostname}]` : url.hostname}:8883`;
}

/**
 * An agent for a real device: the identity files of `fleetward device enroll --out DIR`, a file
 * outbox in DIR/outbox, MQTT 5 over mTLS, the system clock, renewal through EST simplereenroll.
 */
export async function createNodeAgent(options: NodeAgentOptions): Promise<Agent> {
  const { dir, server } = options;
  let url: URL;
  try {
    url = new URL(server);
  } catch (cause) {
    throw agentError('FW_AGENT_INPUT_INVALID', 'server must be an https:// URL', { cause });
  }
  if (url.protocol !== 'https:') throw agentError('FW_AGENT_INPUT_INVALID', 'server must be an https:// URL');
  const mqttUrl = options.mqttUrl ?? defaultMqttUrl(server);
  if (!/^mqtts:\/\//.test(mqttUrl)) throw agentError('FW_AGENT_INPUT_INVALID', 'the gateway URL must be mqtts://');
  const keystore = new FileKeystore(dir);
  const credentials = await keystore.load();
  if (credentials === undefined) throw agentError('FW_AGENT_NOT_ENROLLED', `${dir} holds no device identity`);
  const outbox = await FileOutbox.open(join(dir, 'outbox'));
  const renew = async (_current: DeviceCredentials): Promise<DeviceCredentials> => {
    await reenrollDevice({ server, dir });
    const next = await keystore.load();
    if (next === undefined) throw agentError('FW_AGENT_NOT_ENROLLED', 'identity gone after renewal');
    return next;
  };
  const agent = new Agent({
    deviceId: credentials.deviceId,
    mqttUrl,
    estUrl: server,
    keystore,
    outbox,
    transport: new MqttTransport(),
    clock: systemClock,
    random: mathRandom,
    renew,
    validity: validityOf,
    ...pick(options),
  });
  if (outbox.skipped > 0) {
    queueMicrotask(() =>
      agent.emit('error', agentError('FW_AGENT_OUTBOX_CORRUPT', `${outbox.skipped} torn outbox frame(s) skipped`)),
    );
  }
  const stop = agent.stop.bind(agent);
  agent.stop = async () => {
    await stop();
    await outbox.close();
  };
  return agent;
}

function pick(o: NodeAgentOptions): Partial<AgentOptions> {
  const out: Record<string, unknown> = {};
  for (const k of ['backoff', 'renewAt', 'commands', 'metrics', 'metricsIntervalMs', 'limits', 'inflight'] as const) {
    if (o[k] !== undefined) out[k] = o[k];
  }
  return out as Partial<AgentOptions>;
}
