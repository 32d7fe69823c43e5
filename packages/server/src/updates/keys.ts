import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { Key, Signature } from '@tufjs/models';
import { canonicalize } from '@tufjs/canonical-json';
import { updatesError } from './errors.js';

/** The four top-level roles of TUF (spec §2.1). */
export type TufRole = 'root' | 'targets' | 'snapshot' | 'timestamp';
export const TUF_ROLES: readonly TufRole[] = ['root', 'targets', 'snapshot', 'timestamp'];

/** An Ed25519 TUF key; `privateKey` is absent when the key is kept offline. */
export interface TufKey {
  readonly keyId: string;
  readonly publicKey: Key;
  readonly privateKey?: KeyObject;
}

// RFC 8410 §4: an Ed25519 SubjectPublicKeyInfo is this prefix and the 32 key bytes.
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Makes a new Ed25519 key for a role. */
export function generateTufKey(): TufKey {
  return tufKeyFromPrivate(generateKeyPairSync('ed25519').privateKey);
}

/** The TUF key of a PKCS#8 PEM private key (the offline key files). */
export function tufKeyFromPem(pem: string | Buffer): TufKey {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (cause) {
    throw updatesError('FW_TUF_KEY_INVALID', 'not a PKCS#8 private key', { cause });
  }
  return tufKeyFromPrivate(key);
}

function tufKeyFromPrivate(privateKey: KeyObject): TufKey {
  if (privateKey.asymmetricKeyType !== 'ed25519') throw updatesError('FW_TUF_KEY_INVALID', 'TUF keys are Ed25519');
  const publicKey = publicTufKey(createPublicKey(privateKey));
  return { keyId: publicKey.keyID, publicKey, privateKey };
}

/**
 * The public half as TUF writes it (spec §4.2 "ed25519" keytype, hex keyval) with the key ID
 * python-tuf and go-tuf compute: SHA-256 of the canonical JSON of the key object.
 */
export function publicTufKey(publicKey: KeyObject): Key {
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  if (publicKey.asymmetricKeyType !== 'ed25519' || !spki.subarray(0, 12).equals(ED25519_SPKI_PREFIX)) {
    throw updatesError('FW_TUF_KEY_INVALID', 'TUF keys are Ed25519');
  }
  const body = { keytype: 'ed25519', scheme: 'ed25519', keyval: { public: spki.subarray(12).toString('hex') } };
  const keyID = createHash('sha256').update(canonicalize(body)).digest('hex');
  return new Key({ keyID, keyType: body.keytype, scheme: body.scheme, keyVal: body.keyval });
}

/** The public TUF key of a SubjectPublicKeyInfo PEM. */
export function tufKeyFromPublicPem(pem: string): Key {
  try {
    return publicTufKey(createPublicKey(pem));
  } catch (cause) {
    throw updatesError('FW_TUF_KEY_INVALID', 'not an Ed25519 public key', { cause });
  }
}

/** A signer for `Metadata.sign`: Ed25519 over the canonical JSON bytes of `signed`. */
export function signerOf(key: TufKey): (data: Buffer) => Signature {
  const privateKey = key.privateKey;
  if (!privateKey) throw updatesError('FW_TUF_KEY_OFFLINE', `key ${key.keyId} is offline`);
  return (data) => new Signature({ keyID: key.keyId, sig: sign(null, data, privateKey).toString('hex') });
}

/** PKCS#8 PEM of a key's private half (export for offline keeping). */
export function exportPrivatePem(key: TufKey): string {
  if (!key.privateKey) throw updatesError('FW_TUF_KEY_OFFLINE', `key ${key.keyId} is offline`);
  return key.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
}
