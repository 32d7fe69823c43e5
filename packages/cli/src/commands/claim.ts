import { parse, parseDuration, requireOption } from '../args.js';
import { api, resolveServer, SERVER_OPTIONS } from '../client.js';
import { cliError } from '../errors.js';
import { out } from '../output.js';

interface ClaimCreated {
  id: string;
  token: string;
  model: string;
  uses: number;
  expiresAt: string;
}

/** `fleetward claim create --model M [--uses N] [--ttl 1h]`: prints the one-time token alone on stdout. */
export async function claim(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'create') throw cliError('FW_CLI_USAGE', 'usage: fleetward claim create --model M [--uses N] [--ttl 1h]');
  const { values } = parse(rest, {
    ...SERVER_OPTIONS,
    model: { type: 'string' },
    uses: { type: 'string', default: '1' },
    ttl: { type: 'string', default: '1h' },
  });
  const uses = Number(values.uses);
  if (!Number.isInteger(uses) || uses < 1) throw cliError('FW_CLI_USAGE', '--uses must be a positive integer');
  const ttlSeconds = Math.round(parseDuration(values.ttl ?? '1h') / 1000);
  const server = resolveServer(values);
  const created = await api<ClaimCreated>(server, 'POST', '/api/v1/claims', {
    model: requireOption(values.model, 'model'),
    uses,
    ttlSeconds,
  });
  if (values.json) {
    out.json(created);
  } else {
    out.say(`claim ${created.id} for model ${created.model}: ${created.uses} use(s), expires ${created.expiresAt}`);
    out.result(created.token);
  }
  return 0;
}
