import 'reflect-metadata';
import { createHash, randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

// Node has WebCrypto but the project compiles without the DOM lib: name its types here.
export type CryptoKey = webcrypto.CryptoKey;
export type CryptoKeyPair = webcrypto.CryptoKeyPair;

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** ECDSA P-256 with SHA-256: every key and signature of our CA. */
export const EC_KEY = { name: 'ECDSA', namedCurve: 'P-256' } as const;
export const EC_SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;

export const subtle = webcrypto.subtle;

export async function generateEcKeys(): Promise<CryptoKeyPair> {
  return (await subtle.generateKey(EC_KEY, true, ['sign', 'verify'])) as CryptoKeyPair;
}

export async function exportPkcs8(key: CryptoKey): Promise<Buffer> {
  return Buffer.from(await subtle.exportKey('pkcs8', key));
}

export async function importSigningKey(pkcs8: Uint8Array): Promise<CryptoKey> {
  return subtle.importKey('pkcs8', pkcs8, EC_KEY, false, ['sign']);
}

/** RFC 5280 §4.1.2.2: positive, at most 20 octets; ours are 128 random bits (x509 keeps them positive). */
export function randomSerial(): string {
  const bytes = randomBytes(16);
  if (bytes[0] === 0) bytes[0] = 1;
  return bytes.toString('hex');
}

/** SHA-256 of the DER, lower-case hex: the fingerprint we store and compare. */
export function fingerprint(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}

export function toDer(cert: x509.X509Certificate | x509.X509Crl): Buffer {
  return Buffer.from(cert.rawData);
}

export { x509 };
