import { readFile } from 'node:fs/promises';
import { parse, requireOption } from '../args.js';
import { api, resolveServer, SERVER_OPTIONS } from '../client.js';
import { cliError } from '../errors.js';
import { out } from '../output.js';

/**
 * `fleetward manufacturer add --model M --name N --ca FILE`: trusts a manufacturer CA for one
 * model, so devices of that model enroll with their IDevID (IEEE 802.1AR) instead of a claim.
 */
export async function manufacturer(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'add') throw cliError('FW_CLI_USAGE', 'usage: fleetward manufacturer add --model M --name N --ca FILE');
  const { values } = parse(rest, {
    ...SERVER_OPTIONS,
    model: { type: 'string' },
    name: { type: 'string' },
    'ca-cert': { type: 'string' },
  });
  const caPem = await readFile(requireOption(values['ca-cert'], 'ca-cert'), 'utf8');
  const created = await api<{ id: string }>(resolveServer(values), 'POST', '/api/v1/manufacturers', {
    model: requireOption(values.model, 'model'),
    name: requireOption(values.name, 'name'),
    caPem,
  });
  if (values.json) out.json(created);
  else out.say(`manufacturer ${created.id} trusted for model ${values.model}`);
  return 0;
}
