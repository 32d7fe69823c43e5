import { randomBytes } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serverError } from '../errors.js';

export const MASTER_KEY_FILE = 'master.key';

function decode(text: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) throw serverError('FW_MASTER_KEY_INVALID', 'the master key must be 32 bytes, base64');
  return key;
}

/**
 * The key that encrypts private keys at rest: `FLEETWARD_MASTER_KEY` (base64, 32 bytes) when
 * set, else `D/master.key`, generated on first run with mode 0600.
 */
export async function loadMasterKey(
  dataDir: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Buffer> {
  const fromEnv = env['FLEETWARD_MASTER_KEY'];
  if (fromEnv) return decode(fromEnv);
  if (!dataDir) return randomBytes(32); // in-memory server (tests): a key that dies with it
  const file = join(dataDir, MASTER_KEY_FILE);
  try {
    return decode(await readFile(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const key = randomBytes(32);
  await writeFile(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  await chmod(file, 0o600);
  return key;
}
