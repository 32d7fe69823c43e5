import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { DeviceCredentials, Keystore } from '../core/platform.js';
import { DEVICE_FILES, replaceFile } from '../enroll/index.js';

/**
 * The identity in an enrolled directory (`fleetward device enroll --out DIR`): device.key
 * (0600), device.crt (leaf then issuing CA), ca.pem. Saves replace each file atomically, in an
 * order a power cut cannot break: the new key first to device.key.next, then device.crt, then
 * device.key. A cut between the two renames leaves the new certificate with the old key; `load`
 * then finds the certificate's key in device.key.next and finishes the renewal.
 */
export class FileKeystore implements Keystore {
  constructor(readonly dir: string) {}

  async load(): Promise<DeviceCredentials | undefined> {
    const read = (name: string) => readFile(join(this.dir, name), 'utf8').catch(() => undefined);
    const [currentKey, certPem, caPem] = await Promise.all([
      read(DEVICE_FILES.key),
      read(DEVICE_FILES.cert),
      read(DEVICE_FILES.ca),
    ]);
    if (!currentKey || !certPem || !caPem) return undefined;
    let keyPem = currentKey;
    const next = await read(NEXT_KEY);
    if (next !== undefined) {
      if (!holdsKey(certPem, keyPem) && holdsKey(certPem, next)) {
        await replaceFile(join(this.dir, DEVICE_FILES.key), next, 0o600); // finish the cut renewal
        keyPem = next;
      }
      await unlink(join(this.dir, NEXT_KEY)).catch(() => undefined);
    }
    return { deviceId: deviceIdOf(certPem), keyPem, certPem, caPem };
  }

  async save(c: DeviceCredentials): Promise<void> {
    await replaceFile(join(this.dir, NEXT_KEY), c.keyPem, 0o600);
    await replaceFile(join(this.dir, DEVICE_FILES.cert), c.certPem, 0o644);
    await replaceFile(join(this.dir, DEVICE_FILES.key), c.keyPem, 0o600);
    await unlink(join(this.dir, NEXT_KEY));
  }
}

/** Where a renewal keeps the new key until device.crt and device.key both hold the new pair. */
const NEXT_KEY = `${DEVICE_FILES.key}.next`;

/** Does the leaf certificate certify this private key? */
function holdsKey(certPem: string, keyPem: string): boolean {
  try {
    return new X509Certificate(certPem).checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    return false;
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
