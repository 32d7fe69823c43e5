import { parse } from '../args.js';
import { api, resolveServer, SERVER_OPTIONS } from '../client.js';
import { cliError } from '../errors.js';
import { out, table } from '../output.js';
import { brief } from './alerts.js';

interface Incident {
  id: string;
  deviceId: string;
  state: string;
  severity: string;
  openedAt: string;
  updatedAt: string;
  timeline?: { at: string; entry: string; stepKey: string | null; details: Record<string, unknown> }[];
}

const USAGE =
  'usage: fleetward incidents [list] [--state open|contained|resolved] [--device ID] | show|replay <id> | release <id> [--reason R]';

/** `fleetward incidents`: list, show (with the timeline), replay (idempotent), release (manual path). */
export async function incidents(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'show' || sub === 'replay' || sub === 'release') return one(sub, rest);
  if (sub !== undefined && sub !== 'list' && !sub.startsWith('--')) throw cliError('FW_CLI_USAGE', USAGE);
  const { values } = parse(sub === 'list' ? rest : argv, {
    ...SERVER_OPTIONS,
    state: { type: 'string' },
    device: { type: 'string' },
  });
  const q = new URLSearchParams();
  if (values.state) q.set('state', values.state);
  if (values.device) q.set('device', values.device);
  const r = await api<{ incidents: Incident[] }>(resolveServer(values), 'GET', `/api/v1/incidents?${q}`);
  if (values.json) out.json(r.incidents);
  else
    out.result(
      table(r.incidents as unknown as Record<string, unknown>[], [
        'id',
        'deviceId',
        'state',
        'severity',
        'openedAt',
        'updatedAt',
      ]),
    );
  return 0;
}

async function one(sub: 'show' | 'replay' | 'release', argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { ...SERVER_OPTIONS, reason: { type: 'string' } });
  const id = positionals[0];
  if (!id) throw cliError('FW_CLI_USAGE', USAGE);
  const server = resolveServer(values);
  const path = `/api/v1/incidents/${encodeURIComponent(id)}`;
  const inc =
    sub === 'show'
      ? await api<Incident>(server, 'GET', path)
      : await api<Incident>(
          server,
          'POST',
          `${path}/${sub}`,
          sub === 'release' && values.reason ? { reason: values.reason } : {},
        );
  if (values.json) out.json(inc);
  else {
    out.say(`incident ${inc.id}: device ${inc.deviceId}, ${inc.state}, ${inc.severity}, opened ${inc.openedAt}`);
    const rows = (inc.timeline ?? []).map((t) => ({
      at: t.at,
      entry: t.entry,
      what:
        t.entry === 'step'
          ? `${t.stepKey} ${String(t.details['status'])}`
          : `${String(t.details['behavior'] ?? '')} ${String(t.details['kind'] ?? '')} ${String(t.details['severity'] ?? '')}`.trim() ||
            brief(t.details),
      observed: t.entry === 'alert' ? brief(t.details['observed']) : '',
    }));
    out.result(table(rows, ['at', 'entry', 'what', 'observed']));
  }
  return 0;
}
