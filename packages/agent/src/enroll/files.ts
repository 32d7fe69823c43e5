import { open, readFile, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';

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

/**
 * Replaces a file atomically and durably: written beside it and synced, renamed over it, then
 * the folder synced, so that after a power cut the path holds the old content or the new one,
 * and a step after this one never reaches the disk before it.
 */
export async function replaceFile(path: string, content: string, mode = 0o644): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  const handle = await open(tmp, 'w', mode);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
  const dir = await open(dirname(path), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
