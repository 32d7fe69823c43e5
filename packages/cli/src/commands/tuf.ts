import { readFile, writeFile } from 'node:fs/promises';
import { keysFromPemFile, signTargetsOffline } from '@fleetward/server';
import { parse, requireOption } from '../args.js';
import { api, resolveServer, SERVER_OPTIONS } from '../client.js';
import { cliError } from '../errors.js';
import { out } from '../output.js';

const USAGE =
  'usage: fleetward tuf rotate-root [--roles root,targets,…] | export-key --role root|targets --out FILE [--remove] | ' +
  'import-key --role root|targets --key FILE | upload-root FILE | pending-targets --out FILE | ' +
  'sign-targets --key FILE --in FILE --out FILE | upload-targets FILE';

/** Root rotation with keys on the server: root N+1 signed by the old and the new root keys. */
async function rotateRoot(argv: string[]): Promise<number> {
  const { values } = parse(argv, { ...SERVER_OPTIONS, roles: { type: 'string' } });
  const roles = values.roles ? values.roles.split(',').map((r) => r.trim()) : ['root'];
  const r = await api<{ version: number }>(resolveServer(values), 'POST', '/api/v1/tuf/root/rotate', { roles });
  if (values.json) out.json(r);
  else out.say(`root version ${r.version}: new keys for ${roles.join(', ')}`);
  return 0;
}

/** Exports a role's private keys (PKCS#8 PEM, 0600); `--remove` makes the role offline. */
async function exportKey(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    ...SERVER_OPTIONS,
    role: { type: 'string' },
    out: { type: 'string' },
    remove: { type: 'boolean' },
  });
  const role = requireOption(values.role, 'role');
  const file = requireOption(values.out, 'out');
  const r = await api<{ keys: string[] }>(resolveServer(values), 'POST', `/api/v1/tuf/keys/${role}/export`, {
    remove: values.remove ?? false,
  });
  await writeFile(file, r.keys.join(''), { mode: 0o600, flag: 'wx' });
  out.say(
    `wrote ${r.keys.length} ${role} key(s) to ${file}${values.remove ? '; the server no longer holds them' : ''}`,
  );
  return 0;
}

/** Uploads a root signed outside the server (the offline root flow, docs/decisions/0007). */
async function uploadRoot(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, SERVER_OPTIONS);
  const file = positionals[0];
  if (!file) throw cliError('FW_CLI_USAGE', USAGE);
  const root = JSON.parse(await readFile(file, 'utf8')) as unknown;
  const r = await api<{ version: number }>(resolveServer(values), 'PUT', '/api/v1/tuf/root', root);
  if (values.json) out.json(r);
  else out.say(`root version ${r.version} accepted`);
  return 0;
}

/** Reads a JSON file; a file that is not JSON is a usage error. */
async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch (cause) {
    throw cliError('FW_CLI_USAGE', `${file} is not a JSON file`, { cause });
  }
}

/** Puts an exported root or targets key back on the server (with targets: staged targets are signed). */
async function importKey(argv: string[]): Promise<number> {
  const { values } = parse(argv, { ...SERVER_OPTIONS, role: { type: 'string' }, key: { type: 'string' } });
  const role = requireOption(values.role, 'role');
  const pem = await readFile(requireOption(values.key, 'key'), 'utf8');
  const r = await api<{ keyIds: string[]; targetsSigned: boolean }>(
    resolveServer(values),
    'POST',
    `/api/v1/tuf/keys/${role}/import`,
    { pem },
  );
  if (values.json) out.json(r);
  else out.say(`imported ${r.keyIds.length} ${role} key(s)${r.targetsSigned ? '; staged targets signed' : ''}`);
  return 0;
}

/** Saves the unsigned targets metadata N+1 (current and staged targets) for offline signing. */
async function pendingTargets(argv: string[]): Promise<number> {
  const { values } = parse(argv, { ...SERVER_OPTIONS, out: { type: 'string' } });
  const file = requireOption(values.out, 'out');
  const r = await api<{ signed: { version: number; targets: object } }>(
    resolveServer(values),
    'GET',
    '/api/v1/tuf/targets/pending',
  );
  await writeFile(file, `${JSON.stringify(r, null, 2)}\n`, { flag: 'wx' });
  out.say(`wrote targets version ${r.signed.version} (${Object.keys(r.signed.targets).length} targets) to ${file}`);
  return 0;
}

/** Signs targets metadata with offline keys: no server involved (decision 0007). */
async function signTargets(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    key: { type: 'string' },
    in: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
  });
  const keys = keysFromPemFile(await readFile(requireOption(values.key, 'key'), 'utf8'));
  const signed = signTargetsOffline(await readJson(requireOption(values.in, 'in')), keys);
  const file = requireOption(values.out, 'out');
  await writeFile(file, `${JSON.stringify(signed, null, 2)}\n`, { flag: 'wx' });
  const s = signed['signed'] as { version: number; expires: string; targets: object };
  out.say(
    `signed targets version ${s.version} (${Object.keys(s.targets).length} targets, expires ${s.expires}) ` +
      `with ${keys.map((k) => k.keyId.slice(0, 12)).join(', ')} into ${file}`,
  );
  return 0;
}

/** Uploads targets metadata signed offline; the server re-signs snapshot and timestamp. */
async function uploadTargets(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, SERVER_OPTIONS);
  const file = positionals[0];
  if (!file) throw cliError('FW_CLI_USAGE', USAGE);
  const r = await api<{ version: number; targets: string[] }>(
    resolveServer(values),
    'PUT',
    '/api/v1/tuf/targets',
    await readJson(file),
  );
  if (values.json) out.json(r);
  else out.say(`targets version ${r.version} accepted: ${r.targets.join(', ') || 'no targets'}`);
  return 0;
}

export async function tuf(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'rotate-root':
      return rotateRoot(rest);
    case 'export-key':
      return exportKey(rest);
    case 'upload-root':
      return uploadRoot(rest);
    case 'import-key':
      return importKey(rest);
    case 'pending-targets':
      return pendingTargets(rest);
    case 'sign-targets':
      return signTargets(rest);
    case 'upload-targets':
      return uploadTargets(rest);
    default:
      throw cliError('FW_CLI_USAGE', USAGE);
  }
}
