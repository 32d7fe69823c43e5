import { readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { FleetwardError } from '@fleetward/protocol';
import { parse } from '../args.js';
import { api, resolveServer, SERVER_OPTIONS, type ServerRef } from '../client.js';
import { cliError } from '../errors.js';
import { out, table } from '../output.js';

const USAGE = `usage: fleetward privacy <command>
  catalog list | show MODEL | set MODEL --file CATALOG.json
  owner add --name N --region R [--email E] | list | assign OWNER DEVICE
  consent give|withdraw OWNER --device D --purpose P [--categories c1,c2] | list OWNER
  export OWNER [--out FILE]          (admin; everything about the owner, JSON)
  erase OWNER                        (admin; GDPR Art. 17)
  aggregate --model M --field F --stat count|sum|mean|histogram --epsilon E
            [--lower L --upper U] [--bins N] [--group-by region] [--since ISO]
  notice MODEL [--format html|md|json] [--out FILE]
  retention run|list  ·  drops  ·  budgets  ·  rotate-key PURPOSE`;

const OPTIONS = {
  ...SERVER_OPTIONS,
  file: { type: 'string' },
  name: { type: 'string' },
  email: { type: 'string' },
  region: { type: 'string' },
  device: { type: 'string' },
  purpose: { type: 'string' },
  categories: { type: 'string' },
  out: { type: 'string' },
  model: { type: 'string' },
  field: { type: 'string' },
  stat: { type: 'string' },
  epsilon: { type: 'string' },
  lower: { type: 'string' },
  upper: { type: 'string' },
  bins: { type: 'string' },
  'group-by': { type: 'string' },
  since: { type: 'string' },
  format: { type: 'string' },
} as const;

type Values = ReturnType<typeof parse<typeof OPTIONS>>['values'];

function need(value: string | undefined, what: string): string {
  if (!value) throw cliError('FW_CLI_USAGE', `missing ${what}\n${USAGE}`);
  return value;
}

function num(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw cliError('FW_CLI_USAGE', `not a number: ${value}`);
  return n;
}

/** `fleetward privacy …`: catalogs, owners, consent, subject requests, aggregates, notices. */
export async function privacy(argv: string[]): Promise<number> {
  const [group, ...rest] = argv;
  const { values: v, positionals: p } = parse(rest, OPTIONS);
  if (!group) throw cliError('FW_CLI_USAGE', USAGE);
  const server = resolveServer(v);
  const result = await dispatch(server, group, p, v);
  if (typeof result === 'string') out.result(result);
  else if (v.json || !isTabular(result)) out.json(result);
  else out.result(table(result.rows, result.columns));
  return 0;
}

interface Tabular {
  rows: Array<Record<string, unknown>>;
  columns: string[];
}

function isTabular(x: unknown): x is Tabular {
  return typeof x === 'object' && x !== null && 'columns' in x && 'rows' in x;
}

const enc = encodeURIComponent;

async function dispatch(s: ServerRef, group: string, p: string[], v: Values): Promise<unknown> {
  const [verb, a, b] = p;
  const key = `${group} ${verb ?? ''}`.trim();
  switch (key) {
    case 'catalog list': {
      const r = await api<{ catalogs: Array<{ model: string; version: number; fields: unknown[] }> }>(
        s,
        'GET',
        '/api/v1/privacy/catalogs',
      );
      return {
        columns: ['model', 'version', 'fields'],
        rows: r.catalogs.map((c) => ({ ...c, fields: c.fields.length })),
      };
    }
    case 'catalog show':
      return api(s, 'GET', `/api/v1/privacy/catalogs/${enc(need(a, 'MODEL'))}`);
    case 'catalog set': {
      const body = JSON.parse(await readFile(need(v.file, '--file'), 'utf8')) as unknown;
      return api(s, 'PUT', `/api/v1/privacy/catalogs/${enc(need(a, 'MODEL'))}`, body);
    }
    case 'owner add': {
      const body = {
        name: need(v.name, '--name'),
        region: need(v.region, '--region'),
        ...(v.email ? { email: v.email } : {}),
      };
      const r = await api<{ id: string }>(s, 'POST', '/api/v1/privacy/owners', body);
      return v.json ? r : r.id;
    }
    case 'owner list': {
      const r = await api<{ owners: Array<{ id: string; region: string; devices: string[] }> }>(
        s,
        'GET',
        '/api/v1/privacy/owners',
      );
      return {
        columns: ['id', 'region', 'devices'],
        rows: r.owners.map((o) => ({ ...o, devices: o.devices.join(',') })),
      };
    }
    case 'owner assign':
      return api(s, 'PUT', `/api/v1/privacy/owners/${enc(need(a, 'OWNER'))}/devices/${enc(need(b, 'DEVICE'))}`);
    case 'consent give':
    case 'consent withdraw':
      return api(s, 'POST', `/api/v1/privacy/owners/${enc(need(a, 'OWNER'))}/consents`, {
        deviceId: need(v.device, '--device'),
        purpose: need(v.purpose, '--purpose'),
        state: verb === 'give' ? 'given' : 'withdrawn',
        mechanism: 'cli',
        ...(v.categories ? { categories: v.categories.split(',') } : {}),
      });
    case 'consent list':
      return api(s, 'GET', `/api/v1/privacy/owners/${enc(need(a, 'OWNER'))}/consents`);
    case 'retention run':
      return api(s, 'POST', '/api/v1/privacy/retention/run');
    case 'retention list':
      return api(s, 'GET', '/api/v1/privacy/retention');
    case 'budgets':
      return api(s, 'GET', '/api/v1/privacy/budgets');
    case 'drops':
      return api(s, 'GET', '/api/v1/privacy/drops');
    case 'rotate-key':
      return api(s, 'POST', `/api/v1/privacy/keys/${enc(need(p[0], 'PURPOSE'))}/rotate`);
    case 'aggregate':
      return api(s, 'POST', '/api/v1/privacy/aggregates', {
        model: need(v.model, '--model'),
        field: need(v.field, '--field'),
        statistic: need(v.stat, '--stat'),
        epsilon: num(need(v.epsilon, '--epsilon')),
        ...(v.lower !== undefined ? { lower: num(v.lower) } : {}),
        ...(v.upper !== undefined ? { upper: num(v.upper) } : {}),
        ...(v.bins !== undefined ? { bins: num(v.bins) } : {}),
        ...(v['group-by'] ? { groupBy: v['group-by'] } : {}),
        ...(v.since ? { since: v.since } : {}),
      });
    default:
      return other(s, group, p, v);
  }
}

async function other(s: ServerRef, group: string, p: string[], v: Values): Promise<unknown> {
  if (group === 'export') {
    const x = await api(s, 'GET', `/api/v1/privacy/owners/${enc(need(p[0], 'OWNER'))}/export`);
    if (!v.out) return x;
    await writeFile(v.out, `${JSON.stringify(x, null, 2)}\n`, { mode: 0o600 });
    return `wrote ${v.out}`;
  }
  if (group === 'erase') return api(s, 'DELETE', `/api/v1/privacy/owners/${enc(need(p[0], 'OWNER'))}`);
  if (group === 'notice') {
    const format = v.format ?? 'md';
    if (!['html', 'md', 'json'].includes(format)) throw cliError('FW_CLI_USAGE', '--format html|md|json');
    const text = await fetchText(s, `/privacy/${enc(need(p[0], 'MODEL'))}?format=${format}`);
    if (!v.out) return text;
    await writeFile(v.out, text);
    return `wrote ${v.out}`;
  }
  throw cliError('FW_CLI_USAGE', USAGE);
}

/** The notice route is public and answers HTML or Markdown, not JSON. */
function fetchText(s: ServerRef, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(`${s.url}${path}`, { ca: s.ca, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if ((res.statusCode ?? 0) >= 400) {
          const code = /"code":"(FW_[A-Z0-9_]+)"/.exec(text)?.[1] ?? 'FW_CLI_REQUEST_FAILED';
          return reject(new FleetwardError(code, 'input', `${path}: HTTP ${res.statusCode}`));
        }
        resolve(text);
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (cause) => reject(cliError('FW_CLI_REQUEST_FAILED', `${s.url}: ${cause.message}`, { cause })));
    req.end();
  });
}
