import { parse } from '../args.js';
import { api, resolveServer, SERVER_OPTIONS } from '../client.js';
import { cliError } from '../errors.js';
import { out, table } from '../output.js';
import { readDefinition } from './monitor-io.js';

interface Profile {
  name: string;
  enabled: boolean;
  target: { models: string[] };
  behaviors: { name: string }[];
}

const USAGE = 'usage: fleetward profiles [list] | show <name> | set --file F.(json|yaml) | delete <name>';

/** `fleetward profiles`: security profiles (behaviors attached to models), as data. */
export async function profiles(argv: string[]): Promise<number> {
  return definitions(argv, 'profiles', USAGE, (p: Profile) => ({
    name: p.name,
    enabled: p.enabled,
    models: p.target.models.join(','),
    behaviors: p.behaviors.map((b) => b.name).join(','),
  }));
}

/** Shared by `profiles` and `playbooks`: list, show, set (from a JSON or YAML file), delete. */
export async function definitions<T extends { name: string }>(
  argv: string[],
  resource: 'profiles' | 'playbooks',
  usage: string,
  row: (item: T) => Record<string, unknown>,
): Promise<number> {
  const [sub = 'list', ...rest] = argv[0]?.startsWith('--') ? ['list', ...argv] : argv;
  const { values, positionals } = parse(rest, { ...SERVER_OPTIONS, file: { type: 'string' } });
  const server = resolveServer(values);
  const base = `/api/v1/${resource}`;
  if (sub === 'list') {
    const r = await api<Record<string, T[]>>(server, 'GET', base);
    const items = r[resource] ?? [];
    if (values.json) out.json(items);
    else {
      const rows = items.map(row);
      out.result(table(rows, Object.keys(rows[0] ?? { name: '' })));
    }
    return 0;
  }
  if (sub === 'set') {
    if (!values.file) throw cliError('FW_CLI_USAGE', usage);
    const body = (await readDefinition(values.file)) as { name?: unknown };
    if (typeof body !== 'object' || body === null || typeof body.name !== 'string') {
      throw cliError('FW_CLI_USAGE', `${values.file}: an object with a name`);
    }
    const saved = await api<T>(server, 'PUT', `${base}/${encodeURIComponent(body.name)}`, body);
    if (values.json) out.json(saved);
    else out.say(`${resource.slice(0, -1)} ${saved.name} saved`);
    return 0;
  }
  const name = positionals[0];
  if (!name || (sub !== 'show' && sub !== 'delete')) throw cliError('FW_CLI_USAGE', usage);
  const path = `${base}/${encodeURIComponent(name)}`;
  if (sub === 'show') out.json(await api<T>(server, 'GET', path));
  else {
    await api(server, 'DELETE', path);
    out.say(`${resource.slice(0, -1)} ${name} deleted`);
  }
  return 0;
}
