import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Files of the data directory that users and the CLI read. */
export interface DataFiles {
  readonly caPem: string;
  readonly adminToken: string;
  readonly url: string;
  /** The gateway's URL, for the simulator and agents on this machine. */
  readonly mqttUrl: string;
}

export function dataFiles(dataDir: string): DataFiles {
  return {
    caPem: join(dataDir, 'ca.pem'),
    adminToken: join(dataDir, 'admin.token'),
    url: join(dataDir, 'url'),
    mqttUrl: join(dataDir, 'mqtt-url'),
  };
}

/** Creates the data directory, private to its owner. */
export async function ensureDataDir(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await chmod(dataDir, 0o700);
}

export async function writePrivate(file: string, text: string): Promise<void> {
  await writeFile(file, text, { mode: 0o600 });
  await chmod(file, 0o600);
}

export async function writePublic(file: string, text: string): Promise<void> {
  await writeFile(file, text, { mode: 0o644 });
}
