import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { firmwarePublicKey, isFleetwardError, type FirmwarePublicKey } from '@fleetward/protocol';
import { bootError } from './errors.js';

export const ROOT_OF_TRUST_FILE = 'root-of-trust.pub';

/**
 * Writes the firmware public key at manufacture (SPKI PEM, read-only, never overwritten).
 * Nothing in an update path calls this: the bootloader only reads the key.
 */
export async function provisionRootOfTrust(dir: string, publicKeyPem: string): Promise<FirmwarePublicKey> {
  const key = firmwarePublicKey(publicKeyPem);
  let file;
  try {
    file = await open(join(dir, ROOT_OF_TRUST_FILE), 'wx', 0o444);
  } catch (cause) {
    throw bootError('FW_BOOT_ROOT_OF_TRUST', 'a root of trust is already provisioned', { cause });
  }
  try {
    await file.writeFile(publicKeyPem);
    await file.sync();
  } finally {
    await file.close();
  }
  return key;
}

export async function loadRootOfTrust(dir: string): Promise<FirmwarePublicKey> {
  let pem: string;
  try {
    pem = await readFile(join(dir, ROOT_OF_TRUST_FILE), 'utf8');
  } catch (cause) {
    throw bootError('FW_BOOT_ROOT_OF_TRUST', 'no root of trust is provisioned', { cause });
  }
  try {
    return firmwarePublicKey(pem);
  } catch (cause) {
    if (isFleetwardError(cause)) throw bootError('FW_BOOT_ROOT_OF_TRUST', 'the root of trust is unreadable', { cause });
    throw cause;
  }
}
