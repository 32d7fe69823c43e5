import { open, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The identity files of an enrolled device, in its directory. */
export const DEVICE_FILES = { key: 'device.key', cert: 'device.crt', ca: 'ca.pem' } as const;

export async function readOptional(dir: string, name: string): Promise<string | undefined> {
  try {
    return await readFile(join(dir, name), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Creates a secret file with mode 0600 from its first byte; never overwrites. */
export async function createSecretFile(path: string, content: string): Promise<void> {
  const handle = await open(path, 'wx', 0o600);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Replaces a file atomically (write beside it, then rename). */
export async function replaceFile(path: string, content: string, mode = 0o644): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, content, { mode, flag: 'w' });
  await rename(tmp, path);
}
