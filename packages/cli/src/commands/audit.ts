import { parse } from '../args.js';
import { api, resolveServer, SERVER_OPTIONS } from '../client.js';
import { cliError } from '../errors.js';
import { out } from '../output.js';

interface VerifyResult {
  ok: boolean;
  entries: number;
  firstBadSeq?: number;
  reason?: string;
}

/** `fleetward audit verify`: walks the hash chain; exit 1 when an entry was edited or removed. */
export async function audit(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'verify') throw cliError('FW_CLI_USAGE', 'usage: fleetward audit verify [--json]');
  const { values } = parse(rest, SERVER_OPTIONS);
  const result = await api<VerifyResult>(resolveServer(values), 'GET', '/api/v1/audit/verify');
  if (values.json) out.json(result);
  else if (result.ok) out.say(`audit log intact: ${result.entries} entries`);
  else out.say(`audit log BROKEN at entry ${result.firstBadSeq}: ${result.reason}`);
  return result.ok ? 0 : 1;
}
