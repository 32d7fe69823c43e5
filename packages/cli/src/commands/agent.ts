import { CommandRegistry, ProcMetrics, createNodeAgent, type Agent } from '@fleetward/agent';
import { parse, parseDuration, requireOption } from '../args.js';
import { cliError } from '../errors.js';
import { out } from '../output.js';

const USAGE =
  'usage: fleetward agent run --dir DIR --server URL [--mqtt URL] [--interval 10s] [--metrics-interval 60s] [--json]';

/**
 * `fleetward agent run`: the device agent over an enrolled directory. Sends a heartbeat every
 * interval and /proc metrics every metrics interval; prints state changes on stderr (and a
 * live status line on a terminal). `--json`: one JSON line per event on stdout
 * (`written`, `ack`, `dropped`, `state`, `renewed`, `error`), for scripts and tests.
 */
export async function agent(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'run') throw cliError('FW_CLI_USAGE', USAGE);
  const { values } = parse(rest, {
    dir: { type: 'string' },
    server: { type: 'string' },
    mqtt: { type: 'string' },
    interval: { type: 'string' },
    'metrics-interval': { type: 'string' },
    json: { type: 'boolean' },
  });
  const intervalMs = parseDuration(values.interval ?? '10s');
  const metricsMs = parseDuration(values['metrics-interval'] ?? '60s');
  if (intervalMs <= 0) throw cliError('FW_CLI_USAGE', '--interval must be positive');
  const device = await createNodeAgent({
    dir: requireOption(values.dir, 'dir'),
    server: requireOption(values.server, 'server'),
    ...(values.mqtt ? { mqttUrl: values.mqtt } : {}),
    commands: new CommandRegistry().register('ping', { parse: () => undefined, run: () => ({ pong: Date.now() }) }),
    ...(metricsMs > 0 && process.platform === 'linux'
      ? { metrics: new ProcMetrics(), metricsIntervalMs: metricsMs }
      : {}),
  });
  const json = values.json === true;
  const emit = (event: string, data: Record<string, unknown>) => {
    if (json) process.stdout.write(`${JSON.stringify({ event, ...data })}\n`);
  };
  report(device, emit);
  return run(device, intervalMs, emit);
}

function report(device: Agent, emit: (event: string, data: Record<string, unknown>) => void): void {
  device.on('state', (state, detail) => {
    clearStatus();
    out.say(`${new Date().toISOString()} ${device.deviceId} ${state}${describe(detail)}`);
    emit('state', { state, ...detail });
  });
  device.on('ack', (id, latencyMs) => emit('ack', { id, latencyMs }));
  device.on('dropped', (id) => emit('dropped', { id }));
  device.on('renewed', (notAfter) => {
    clearStatus();
    out.say(
      `${new Date().toISOString()} ${device.deviceId} certificate renewed, valid until ${new Date(notAfter).toISOString()}`,
    );
    emit('renewed', { notAfter: new Date(notAfter).toISOString() });
  });
  device.on('error', (err) => {
    clearStatus();
    out.say(`${new Date().toISOString()} ${device.deviceId} error ${err.message}`);
    emit('error', { code: err.code });
  });
}

function describe(d: { attempt?: number; delayMs?: number; code?: number; reason?: string }): string {
  const parts: string[] = [];
  if (d.reason) parts.push(d.reason);
  if (d.code !== undefined) parts.push(`reason 0x${d.code.toString(16)}`);
  if (d.delayMs !== undefined) parts.push(`retry in ${(d.delayMs / 1000).toFixed(1)} s`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/** Heartbeats until SIGINT/SIGTERM (exit 0) or revocation (exit 3). */
async function run(
  device: Agent,
  intervalMs: number,
  emit: (e: string, d: Record<string, unknown>) => void,
): Promise<number> {
  const started = Date.now();
  let seq = 0;
  const beat = () => {
    device.send('telemetry', { uptime_s: Math.round((Date.now() - started) / 1000), seq: seq++ }).then(
      (id) => emit('written', { id }),
      (err: unknown) => emit('error', { code: (err as { code?: string }).code ?? 'FW_INTERNAL' }),
    );
  };
  const tty = process.stderr.isTTY === true;
  await device.start();
  beat();
  const timer = setInterval(beat, intervalMs);
  const status = tty ? setInterval(() => showStatus(device), 1000) : undefined;
  const code = await new Promise<number>((resolve) => {
    const stop = () => resolve(0);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    device.on('state', (s) => s === 'revoked' && resolve(3));
  });
  clearInterval(timer);
  if (status) clearInterval(status);
  clearStatus();
  await device.stop();
  const s = device.stats();
  out.say(`stopped: sent ${s.sent}, acknowledged ${s.acknowledged}, dropped ${s.dropped}, queued ${s.queued}`);
  return code;
}

function showStatus(device: Agent): void {
  const s = device.stats();
  process.stderr.write(
    `\r\x1b[K${device.state}  queued ${s.queued}  sent ${s.sent}  acked ${s.acknowledged}  dropped ${s.dropped}`,
  );
}

function clearStatus(): void {
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
}
