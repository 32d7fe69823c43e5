import type { RolloutView } from '@fleetward/server';
import { parse, parseDuration, requireOption } from '../args.js';
import { api, resolveServer, SERVER_OPTIONS } from '../client.js';
import { cliError } from '../errors.js';
import { out, table } from '../output.js';

const USAGE = `usage: fleetward rollout start --release R (--model M | --group G) [--waves 1,10,50,100]
         [--max-failure-rate 0.05] [--wave-wait 10m] [--wave-timeout 1h]
       fleetward rollout status [ID] [--json] | list | pause ID | resume ID | abort ID
       fleetward rollout group NAME [--add ID,…] [--remove ID,…]`;

const list = (text: string | undefined) =>
  text
    ? text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];

async function start(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    ...SERVER_OPTIONS,
    release: { type: 'string' },
    model: { type: 'string' },
    group: { type: 'string' },
    waves: { type: 'string' },
    'max-failure-rate': { type: 'string' },
    'wave-wait': { type: 'string' },
    'wave-timeout': { type: 'string' },
  });
  const waves = list(values.waves ?? '1,10,50,100').map(Number);
  const maxFailureRate = Number(values['max-failure-rate'] ?? '0.05');
  if (waves.some((w) => !Number.isFinite(w)) || !Number.isFinite(maxFailureRate)) throw cliError('FW_CLI_USAGE', USAGE);
  if (!values.model === !values.group) throw cliError('FW_CLI_USAGE', 'give exactly one of --model or --group');
  const r = await api<RolloutView>(resolveServer(values), 'POST', '/api/v1/rollouts', {
    release: requireOption(values.release, 'release'),
    ...(values.model ? { model: values.model } : {}),
    ...(values.group ? { group: values.group } : {}),
    waves,
    maxFailureRate,
    waveWaitMs: values['wave-wait'] ? parseDuration(values['wave-wait']) : 0,
    waveTimeoutMs: values['wave-timeout'] ? parseDuration(values['wave-timeout']) : 0,
  });
  if (values.json) out.json(r);
  else {
    out.say(`rollout ${r.id}: ${r.release} to ${r.devices} devices in ${r.waves.length} waves`);
    out.result(r.id);
  }
  return 0;
}

async function status(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, SERVER_OPTIONS);
  const server = resolveServer(values);
  const id = positionals[0];
  if (!id) {
    const r = await api<{ rollouts: RolloutView[] }>(server, 'GET', '/api/v1/rollouts');
    if (values.json) out.json(r.rollouts);
    else
      out.result(
        table(
          r.rollouts.map((x) => ({
            ...x,
            progress: `${x.confirmed}/${x.devices}`,
            wave: `${x.wave + 1}/${x.waves.length}`,
          })),
          ['id', 'release', 'state', 'wave', 'progress', 'failed', 'createdAt'],
        ),
      );
    return 0;
  }
  const r = await api<RolloutView>(server, 'GET', `/api/v1/rollouts/${encodeURIComponent(id)}`);
  if (values.json) out.json(r);
  else out.result(render(r, process.stdout.isTTY === true));
  return 0;
}

/** One line per wave; on a terminal a bar (█ confirmed, ✗ failed, ▒ in progress, · not yet). */
export function render(r: RolloutView, tty: boolean): string {
  const head = [
    `rollout ${r.id}  ${r.release}  ${r.state}${r.pauseReason ? ` (${r.pauseReason})` : ''}`,
    `target ${r.group ? `group ${r.group}` : `model ${r.model}`}, ${r.devices} devices; confirmed ${r.confirmed}, failed ${r.failed}; max failure rate ${r.maxFailureRate}`,
  ];
  const lines = r.waves.map((w) => {
    const marker = w.index === r.wave && r.state !== 'completed' ? '>' : ' ';
    const label = `${marker} wave ${w.index + 1} (${w.percent}%)`.padEnd(18);
    const counts = `${w.confirmed}/${w.size} ok, ${w.failed} failed, ${w.inProgress} updating, ${w.pending} waiting`;
    return tty ? `${label} ${bar(w, 30)} ${counts}` : `${label} ${counts}`;
  });
  return [...head, ...lines].join('\n');
}

function bar(w: RolloutView['waves'][number], width: number): string {
  if (w.size === 0) return `[${' '.repeat(width)}]`;
  const cells = (n: number) => Math.round((n / w.size) * width);
  const ok = cells(w.confirmed);
  const bad = Math.min(width - ok, cells(w.failed));
  const busy = Math.min(width - ok - bad, cells(w.inProgress));
  return `[${'█'.repeat(ok)}${'✗'.repeat(bad)}${'▒'.repeat(busy)}${'·'.repeat(width - ok - bad - busy)}]`;
}

async function act(verb: 'pause' | 'resume' | 'abort', argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, SERVER_OPTIONS);
  const id = positionals[0];
  if (!id) throw cliError('FW_CLI_USAGE', USAGE);
  const r = await api<RolloutView>(
    resolveServer(values),
    'POST',
    `/api/v1/rollouts/${encodeURIComponent(id)}/${verb}`,
    {},
  );
  if (values.json) out.json(r);
  else out.say(`rollout ${r.id}: ${r.state}`);
  return 0;
}

async function group(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    ...SERVER_OPTIONS,
    add: { type: 'string' },
    remove: { type: 'string' },
  });
  const name = positionals[0];
  if (!name) throw cliError('FW_CLI_USAGE', USAGE);
  const path = `/api/v1/groups/${encodeURIComponent(name)}/devices`;
  const server = resolveServer(values);
  const r =
    values.add || values.remove
      ? await api<{ devices: string[] }>(server, 'PUT', path, { add: list(values.add), remove: list(values.remove) })
      : await api<{ devices: string[] }>(server, 'GET', path);
  if (values.json) out.json(r.devices);
  else out.result(r.devices.join('\n'));
  return 0;
}

/** `fleetward rollout …`: staged rollouts of a release (issue 5 §5). */
export async function rollout(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'start':
      return start(rest);
    case 'status':
    case 'list':
      return status(rest);
    case 'pause':
    case 'resume':
    case 'abort':
      return act(sub, rest);
    case 'group':
      return group(rest);
    default:
      throw cliError('FW_CLI_USAGE', USAGE);
  }
}
