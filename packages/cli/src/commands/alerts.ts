import { parse } from '../args.js';
import { api, resolveServer, SERVER_OPTIONS } from '../client.js';
import { cliError } from '../errors.js';
import { out, table } from '../output.js';

interface Alert {
  id: string;
  deviceId: string;
  behavior: string;
  kind: string;
  severity: string;
  state: string;
  observed: unknown;
  expected: unknown;
  datapoints: number;
  lastAt: string;
  incidentId: string | null;
}

const USAGE =
  'usage: fleetward alerts [list] [--state active|cleared] [--device ID] [--limit N] [--json] | alerts show <id>';

/** `fleetward alerts`: the alerts (active first by recency), or one with observed vs expected. */
export async function alerts(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'show') return show(rest);
  if (sub !== undefined && sub !== 'list' && !sub.startsWith('--')) throw cliError('FW_CLI_USAGE', USAGE);
  const { values } = parse(sub === 'list' ? rest : argv, {
    ...SERVER_OPTIONS,
    state: { type: 'string' },
    device: { type: 'string' },
    limit: { type: 'string' },
  });
  const q = new URLSearchParams();
  if (values.state) q.set('state', values.state);
  if (values.device) q.set('device', values.device);
  if (values.limit) q.set('limit', values.limit);
  const r = await api<{ alerts: Alert[] }>(resolveServer(values), 'GET', `/api/v1/alerts?${q}`);
  if (values.json) out.json(r.alerts);
  else {
    const rows = r.alerts.map((a) => ({ ...a, observed: brief(a.observed), expected: brief(a.expected) }));
    const cols = [
      'id',
      'deviceId',
      'behavior',
      'kind',
      'severity',
      'state',
      'observed',
      'expected',
      'lastAt',
      'incidentId',
    ];
    out.result(table(rows, cols));
  }
  return 0;
}

async function show(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, SERVER_OPTIONS);
  const id = positionals[0];
  if (!id) throw cliError('FW_CLI_USAGE', 'usage: fleetward alerts show <id>');
  out.json(await api<Alert>(resolveServer(values), 'GET', `/api/v1/alerts/${encodeURIComponent(id)}`));
  return 0;
}

export function brief(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 48 ? `${s.slice(0, 45)}...` : s;
}
