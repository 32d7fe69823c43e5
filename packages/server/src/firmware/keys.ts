import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { firmwareError, type FirmwareKeyType } from '@fleetward/protocol';

/** File names `fleetward firmware keygen` writes into its output directory. */
export const FIRMWARE_KEY_FILES = { privateKey: 'firmware.key', publicKey: 'firmware.pub' } as const;

export interface FirmwareKeyPair {
  readonly type: FirmwareKeyType;
  /** PKCS#8 PEM. */
  readonly privateKeyPem: string;
  /** SubjectPublicKeyInfo PEM. */
  readonly publicKeyPem: string;
}

/** Makes a signing key pair with node:crypto (imgtool `keygen -t ecdsa-p256|ed25519`). */
export function generateFirmwareKey(type: FirmwareKeyType): FirmwareKeyPair {
  const { privateKey, publicKey } =
    type === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    type,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
  };
}

/** Writes DIR/firmware.key (0600, never overwritten) and DIR/firmware.pub. */
export async function writeFirmwareKey(dir: string, pair: FirmwareKeyPair): Promise<{ key: string; pub: string }> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const key = join(dir, FIRMWARE_KEY_FILES.privateKey);
  const pub = join(dir, FIRMWARE_KEY_FILES.publicKey);
  await writeNew(key, pair.privateKeyPem, 0o600);
  await writeNew(pub, pair.publicKeyPem, 0o644);
  return { key, pub };
}

async function writeNew(path: string, text: string, mode: number): Promise<void> {
  let file;
  try {
    file = await open(path, 'wx', mode);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'EEXIST') {
      throw firmwareError('FW_FIRMWARE_KEY_EXISTS', `${path} exists; keygen never overwrites a key`, { cause });
    }
    throw cause;
  }
  try {
    await file.chmod(mode);
    await file.writeFile(text);
    await file.sync();
  } finally {
    await file.close();
  }
}

/** Loads a PKCS#8 PEM signing key; refuses any key that is not ECDSA P-256 or Ed25519. */
export function loadSigningKey(pem: string | Buffer): { key: KeyObject; type: FirmwareKeyType } {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (cause) {
    throw firmwareError('FW_IMAGE_KEY_UNSUPPORTED', 'not a PEM private key', { cause });
  }
  return { key, type: keyType(key) };
}

/** The SubjectPublicKeyInfo DER of a private or public key (what KEYHASH hashes). */
export function publicKeyDer(key: KeyObject): Uint8Array {
  return new Uint8Array(createPublicKey(key).export({ type: 'spki', format: 'der' }));
}

export function keyType(key: KeyObject): FirmwareKeyType {
  if (key.asymmetricKeyType === 'ed25519') return 'ed25519';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ecdsa-p256';
  throw firmwareError('FW_IMAGE_KEY_UNSUPPORTED', `unsupported key type ${key.asymmetricKeyType ?? 'unknown'}`);
}
