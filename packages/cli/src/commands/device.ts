import { readFile } from 'node:fs/promises';
import { enrollDevice } from '@fleetward/agent';
import { parse, requireOption } from '../args.js';
import { api, resolveServer, SERVER_OPTIONS } from '../client.js';
import { cliError } from '../errors.js';
import { out, table } from '../output.js';

interface Device {
  id: string;
  model: string;
  state: string;
  enrolledVia: string;
  enrolledAt: string;
  certificates?: Array<{ serial: string; status: string; notAfter: string }>;
}

const USAGE = 'usage: fleetward device enroll|list|show|revoke|quarantine|release|retire …';

/** Device side: makes a key locally and enrolls over EST with a claim token. */
async function enroll(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    server: { type: 'string' },
    ca: { type: 'string' },
    claim: { type: 'string' },
    id: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
  });
  const caPem = await readFile(requireOption(values.ca, 'ca'), 'utf8');
  const result = await enrollDevice({
    server: requireOption(values.server, 'server'),
    caPem,
    claimToken: requireOption(values.claim, 'claim'),
    deviceId: requireOption(values.id, 'id'),
    outDir: requireOption(values.out, 'out'),
  });
  if (values.json) out.json({ id: values.id, serial: result.serial, notAfter: result.notAfter.toISOString() });
  else out.say(`enrolled ${values.id}: certificate ${result.serial}, valid until ${result.notAfter.toISOString()}`);
  return 0;
}

async function list(argv: string[]): Promise<number> {
  const { values } = parse(argv, { ...SERVER_OPTIONS, model: { type: 'string' }, state: { type: 'string' } });
  const q = new URLSearchParams();
  if (values.model) q.set('model', values.model);
  if (values.state) q.set('state', values.state);
  const r = await api<{ devices: Device[] }>(resolveServer(values), 'GET', `/api/v1/devices?${q}`);
  if (values.json) out.json(r.devices);
  else
    out.result(
      table(r.devices as unknown as Record<string, unknown>[], ['id', 'model', 'state', 'enrolledVia', 'enrolledAt']),
    );
  return 0;
}

async function show(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, SERVER_OPTIONS);
  const id = positionals[0];
  if (!id) throw cliError('FW_CLI_USAGE', 'usage: fleetward device show <id>');
  const d = await api<Device>(resolveServer(values), 'GET', `/api/v1/devices/${encodeURIComponent(id)}`);
  if (values.json) {
    out.json(d);
  } else {
    out.result(`${d.id}  model=${d.model}  state=${d.state}  enrolled=${d.enrolledAt} (${d.enrolledVia})`);
    out.result(table((d.certificates ?? []) as unknown as Record<string, unknown>[], ['serial', 'status', 'notAfter']));
  }
  return 0;
}

async function action(name: 'revoke' | 'quarantine' | 'release' | 'retire', argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { ...SERVER_OPTIONS, reason: { type: 'string' } });
  const id = positionals[0];
  if (!id) throw cliError('FW_CLI_USAGE', `usage: fleetward device ${name} <id> [--reason TEXT]`);
  const d = await api<Device>(
    resolveServer(values),
    'POST',
    `/api/v1/devices/${encodeURIComponent(id)}/${name}`,
    values.reason ? { reason: values.reason } : {},
  );
  if (values.json) out.json(d);
  else out.say(`${d.id}: ${d.state}`);
  return 0;
}

export async function device(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'enroll':
      return enroll(rest);
    case 'list':
      return list(rest);
    case 'show':
      return show(rest);
    case 'revoke':
    case 'quarantine':
    case 'release':
    case 'retire':
      return action(sub, rest);
    default:
      throw cliError('FW_CLI_USAGE', USAGE);
  }
}
