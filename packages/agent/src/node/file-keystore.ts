import { X509Certificate } from 'node:crypto';
import { open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { DeviceCredentials, Keystore } from '../core/platform.js';
import { DEVICE_FILES } from '../enroll/index.js';

/**
 * The identity in an enrolled directory (`fleetward device enroll --out DIR`): device.key
 * (0600), device.crt (leaf then issuing CA), ca.pem. Saves replace each file atomically.
 */
export class FileKeystore implements Keystore {
  constructor(readonly dir: string) {}

  async load(): Promise<DeviceCredentials | undefined> {
    const read = (name: string) => readFile(join(this.dir, name), 'utf8').catch(() => undefined);
    const [keyPem, certPem, caPem] = await Promise.all([
      read(DEVICE_FILES.key),
      read(DEVICE_FILES.cert),
      read(DEVICE_FILES.ca),
    ]);
    if (!keyPem || !certPem || !caPem) return undefined;
    return { deviceId: deviceIdOf(certPem), keyPem, certPem, caPem };
  }

  async save(c: DeviceCredentials): Promise<void> {
    await atomicWrite(join(this.dir, DEVICE_FILES.cert), c.certPem, 0o644);
    await atomicWrite(join(this.dir, DEVICE_FILES.key), c.keyPem, 0o600);
  }
}

/** The CN of the leaf certificate. */
export function deviceIdOf(certPem: string): string {
  const subject = new X509Certificate(certPem).subject;
  return /^CN=(.+)$/m.exec(subject)?.[1] ?? '';
}

/** The validity of the leaf certificate, ms since the epoch. */
export function validityOf(c: DeviceCredentials): { notBefore: number; notAfter: number } {
  const cert = new X509Certificate(c.certPem);
  return { notBefore: Date.parse(cert.validFrom), notAfter: Date.parse(cert.validTo) };
}

async function atomicWrite(path: string, content: string, mode: number): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  const handle = await open(tmp, 'w', mode);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
}
