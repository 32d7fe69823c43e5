import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileOutbox, type OutboxStorage } from '@fleetward/agent';
import { MODEL_NAMES, startSimulation, type FleetSummary, type SimDevice } from '@fleetward/sim';
import { parse, parseDuration } from '../args.js';
import { api, resolveServer, SERVER_OPTIONS, type ServerRef } from '../client.js';
import { cliError } from '../errors.js';
import { out, table } from '../output.js';
import { attackFor, attackPlan, attackReport, pause, watchAttack, type AttackReport } from './sim-attack.js';

const USAGE =
  'usage: fleetward sim --devices N [--rate R/s | --rate 10s] [--duration 1m] [--model M|mixed] [--json] ' +
  '[--storage memory|file] [--mqtt URL] [--server URL --token T --ca FILE] [--data-dir D] ' +
  '[--attack mirai|exfiltration|flood|bruteforce [--infected K] [--infect-after D] [--metrics-interval D]]';

/** `--rate 0.5` is messages per second per device; `--rate 10s` is the interval between two. */
export function parseRate(text: string): number {
  if (/^\d+(\.\d+)?$/.test(text.trim())) {
    const perSecond = Number(text);
    if (!(perSecond > 0) || perSecond > 100) throw cliError('FW_CLI_USAGE', '--rate: 0 < messages/s per device <= 100');
    return Math.round(1000 / perSecond);
  }
  const ms = parseDuration(text);
  if (ms < 10) throw cliError('FW_CLI_USAGE', '--rate: an interval of at least 10ms');
  return ms;
}

function positiveInt(text: string | undefined, name: string, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > max) throw cliError('FW_CLI_USAGE', `--${name} must be 1 to ${max}`);
  return n;
}

/** The gateway URL `fleetward up` wrote into its data dir, when this machine runs the server. */
function localMqttUrl(dataDir: string): string | undefined {
  try {
    return readFileSync(join(dataDir, 'mqtt-url'), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** `mqtts://<server host>:8883` unless told otherwise. */
export function defaultMqttUrl(server: string): string {
  return `mqtts://${new URL(server).host.replace(/:\d+$/, '')}:8883`;
}

/** `fleetward sim`: a simulated fleet against a server; ends with a table, or one JSON object with --json. */
export async function sim(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    ...SERVER_OPTIONS,
    devices: { type: 'string' },
    rate: { type: 'string' },
    duration: { type: 'string' },
    model: { type: 'string', default: 'mixed' },
    storage: { type: 'string', default: 'memory' },
    mqtt: { type: 'string' },
    handshakes: { type: 'string' },
    seed: { type: 'string' },
    attack: { type: 'string' },
    infected: { type: 'string' },
    'infect-after': { type: 'string' },
    'metrics-interval': { type: 'string' },
  });
  if (values.devices === undefined) throw cliError('FW_CLI_USAGE', USAGE);
  const devices = positiveInt(values.devices, 'devices', 100_000);
  const model = values.model ?? 'mixed';
  if (!(MODEL_NAMES as readonly string[]).includes(model)) {
    throw cliError('FW_CLI_USAGE', `--model must be one of ${MODEL_NAMES.join(', ')}`);
  }
  const durationMs = values.duration === undefined ? undefined : parseDuration(values.duration);
  const plan = attackPlan(values, devices, durationMs);
  const seed = values.seed === undefined ? undefined : positiveInt(values.seed, 'seed', 2 ** 31);
  const server = resolveServer(values);
  const dataDir = values['data-dir'] ?? process.env['FLEETWARD_DATA_DIR'] ?? 'fleetward-data';
  const controller = new AbortController();
  const onSignal = () => (controller.signal.aborted ? process.exit(130) : controller.abort());
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const attack = plan && attackFor(plan, seed ?? 1);
    const started = Date.now();
    const running = await startSimulation({
      server: server.url,
      mqttUrl: values.mqtt ?? process.env['FLEETWARD_MQTT_URL'] ?? localMqttUrl(dataDir) ?? defaultMqttUrl(server.url),
      caPem: server.ca,
      dataDir,
      devices,
      model,
      ...(values.rate === undefined ? {} : { intervalMs: parseRate(values.rate) }),
      ...(durationMs === undefined ? {} : { durationMs }),
      ...storageOption(values.storage ?? 'memory'),
      ...(values.handshakes === undefined ? {} : { handshakes: positiveInt(values.handshakes, 'handshakes', 10_000) }),
      ...(seed === undefined ? {} : { seed }),
      // Quarantined devices keep refused records in their outboxes: do not wait long for them.
      ...(attack === undefined ? {} : { hooks: attack.hooks, drainMs: 2_000 }),
      createClaim: (m, uses) => createClaim(server, m, uses),
      stream: process.stderr,
      signal: controller.signal,
    });
    const deadline = durationMs === undefined ? Infinity : started + durationMs;
    let attackSummary: AttackReport | undefined;
    const sim = attack?.get();
    if (plan && sim) {
      // Ground truth: infect after the warm-up, then watch the server; the run ends early once all are contained.
      await pause(Math.min(plan.infectAfterMs, deadline - Date.now()), controller.signal);
      if (!controller.signal.aborted && Date.now() < deadline) {
        sim.infect();
        await watchAttack(server, sim, deadline, controller.signal);
      }
    } else await pause(deadline - Date.now(), controller.signal);
    const summary = await running.stop();
    if (sim) {
      const ids = running.fleet.agents.map((a) => a.deviceId);
      attackSummary = await attackReport(server, sim, ids);
    }
    report(summary, values.json === true, attackSummary);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return 0;
}

async function createClaim(server: ServerRef, model: string, uses: number): Promise<string> {
  const created = await api<{ token: string }>(server, 'POST', '/api/v1/claims', { model, uses, ttlSeconds: 3600 });
  return created.token;
}

/** `--storage file`: each device's outbox in `<its cache dir>/outbox`, through the agent's FileOutbox. */
function storageOption(kind: string): { storage?: (d: SimDevice) => Promise<OutboxStorage> } {
  if (kind === 'memory') return {};
  if (kind !== 'file') throw cliError('FW_CLI_USAGE', '--storage must be memory or file');
  return { storage: (d) => FileOutbox.open(join(d.dir, 'outbox')) };
}

function report(s: FleetSummary, json: boolean, attack?: AttackReport): void {
  if (json) return out.json(attack === undefined ? s : { ...s, ...attack });
  const row = {
    enrolled: s.enrolled,
    connected: s.connected,
    sent: s.sent,
    acknowledged: s.acknowledged,
    lost: s.lost,
    'p50 ms': s.ackLatencyMs.p50 ?? '-',
    'p99 ms': s.ackLatencyMs.p99 ?? '-',
  };
  out.result(table([row], Object.keys(row)));
  if (attack === undefined) return;
  const rows = attack.infected.map((id) => ({
    infected: id,
    'alert s': attack.outcomes[id]?.secondsToAlert ?? 'never',
    'contained s': attack.outcomes[id]?.secondsToContainment ?? 'never',
  }));
  out.result(table(rows, ['infected', 'alert s', 'contained s']));
  out.result(
    `${attack.attack}: ${attack.detected}/${attack.infected.length} detected, ${attack.contained} contained, ${attack.falsePositives.length} false positives`,
  );
}
