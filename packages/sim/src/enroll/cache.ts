import { DEVICE_FILES } from '@fleetward/agent';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** What an agent needs to connect: structurally the agent's `DeviceCredentials`. */
export interface SimCredentials {
  readonly deviceId: string;
  readonly keyPem: string;
  readonly certPem: string;
  readonly caPem: string;
}

/** `<dataDir>/sim/<model>/<id>`: one directory per simulated device, as `fleetward device enroll` writes it. */
export function deviceDir(dataDir: string, model: string, id: string): string {
  return join(dataDir, 'sim', model, id);
}

/** `sim-<model>-00001`: stable, so the next run finds the same devices. */
export function simDeviceId(model: string, number: number): string {
  return `sim-${model}-${String(number).padStart(5, '0')}`;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * The cached identity in `dir`, if it was enrolled against the CA `caPem`. A directory of
 * another server (another CA) or a half-finished enrollment is removed so it can be redone.
 */
export async function loadCached(dir: string, deviceId: string, caPem: string): Promise<SimCredentials | undefined> {
  const [keyPem, certPem, cachedCa] = await Promise.all(
    [DEVICE_FILES.key, DEVICE_FILES.cert, DEVICE_FILES.ca].map((f) => readText(join(dir, f))),
  );
  if (keyPem && certPem && cachedCa && cachedCa.trim() === caPem.trim()) {
    return { deviceId, keyPem, certPem, caPem: cachedCa };
  }
  if (certPem || cachedCa) await rm(dir, { recursive: true, force: true });
  return undefined;
}
