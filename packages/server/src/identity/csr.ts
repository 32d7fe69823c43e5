import { createPublicKey } from 'node:crypto';
import { isDeviceId } from '@fleetward/protocol';
import { x509 } from './crypto.js';
import { identityError } from './errors.js';

/** Largest CSR we look at: an RSA-4096 request is about 1.2 KiB. */
export const CSR_MAX_DER = 8 * 1024;
const CN_OID = '2.5.4.3';

export type CsrKeyType = 'ec-p256' | 'ed25519' | 'rsa';

/** A request that passed every check: it proves its key and names one valid device id. */
export interface CheckedCsr {
  readonly csr: x509.Pkcs10CertificateRequest;
  readonly deviceId: string;
  readonly keyType: CsrKeyType;
}

/** The outer DER SEQUENCE must span the whole input: no trailing bytes, no indefinite length. */
function derSpan(der: Uint8Array): number {
  if (der.length < 2 || der[0] !== 0x30) return -1;
  const first = der[1] as number;
  if (first < 0x80) return 2 + first;
  const n = first & 0x7f;
  if (n === 0 || n > 2 || der.length < 2 + n) return -1;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + (der[2 + i] as number);
  return 2 + n + len;
}

function parse(der: Uint8Array): x509.Pkcs10CertificateRequest {
  if (der.length === 0 || der.length > CSR_MAX_DER) {
    throw identityError('FW_CSR_MALFORMED', `a CSR must be 1 to ${CSR_MAX_DER} bytes of DER`);
  }
  if (derSpan(der) !== der.length) throw identityError('FW_CSR_MALFORMED', 'not a single DER SEQUENCE');
  try {
    const csr = new x509.Pkcs10CertificateRequest(der);
    void csr.subjectName; // force parsing of the lazily decoded parts
    void csr.publicKey;
    return csr;
  } catch (cause) {
    throw identityError('FW_CSR_MALFORMED', 'not a PKCS#10 certificate request', { cause });
  }
}

/** Key policy: P-256 or Ed25519; RSA tolerated from 3072 bits; everything else refused. */
function keyType(csr: x509.Pkcs10CertificateRequest): CsrKeyType {
  let key;
  try {
    key = createPublicKey({ key: Buffer.from(csr.publicKey.rawData), format: 'der', type: 'spki' });
  } catch (cause) {
    throw identityError('FW_CSR_KEY_UNSUPPORTED', 'the public key cannot be read', { cause });
  }
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'ec' && details.namedCurve === 'prime256v1') return 'ec-p256';
  if (key.asymmetricKeyType === 'ed25519') return 'ed25519';
  if (key.asymmetricKeyType === 'rsa' && (details.modulusLength ?? 0) >= 3072) return 'rsa';
  throw identityError('FW_CSR_KEY_UNSUPPORTED', 'the key must be ECDSA P-256, Ed25519 or RSA >= 3072 bits');
}

async function proveSignature(csr: x509.Pkcs10CertificateRequest): Promise<void> {
  let ok = false;
  try {
    ok = await csr.verify();
  } catch (cause) {
    throw identityError('FW_CSR_SIGNATURE_INVALID', 'the CSR signature cannot be verified', { cause });
  }
  if (!ok) throw identityError('FW_CSR_SIGNATURE_INVALID', 'the CSR signature does not verify');
}

/** Exactly one RDN holding exactly one attribute, a CN, with one value that is a device id. */
function subjectDeviceId(csr: x509.Pkcs10CertificateRequest): string {
  const rdns = new x509.Name(csr.subjectName.toArrayBuffer()).toJSON();
  const [rdn] = rdns;
  const types = rdn ? Object.keys(rdn) : [];
  const values = rdn ? Object.values(rdn)[0] : undefined;
  const named = types.length === 1 && (types[0] === 'CN' || types[0] === CN_OID);
  if (rdns.length !== 1 || !named || values?.length !== 1 || !isDeviceId(values[0])) {
    throw identityError('FW_CSR_SUBJECT_INVALID', 'the subject must be exactly CN=<device id>');
  }
  return values[0];
}

/**
 * Checks a PKCS#10 request (RFC 2986) from the network, in order: size and framing, parse,
 * key policy, self-signature (proof of possession, RFC 7030 §3.4), subject. Requested
 * extensions are ignored: the profile is ours.
 */
export async function checkCsr(der: Uint8Array, expectedId?: string): Promise<CheckedCsr> {
  const csr = parse(der);
  const type = keyType(csr);
  await proveSignature(csr);
  const deviceId = subjectDeviceId(csr);
  if (expectedId !== undefined && deviceId !== expectedId) {
    throw identityError('FW_CSR_SUBJECT_INVALID', `the CSR must name the device ${expectedId}`);
  }
  return { csr, deviceId, keyType: type };
}

/**
 * RFC 7030 §4.2.1: the body is base64 of the DER request. Line breaks and a PEM armour are
 * tolerated; anything else is refused.
 */
export function decodeCsrBody(body: unknown): Buffer {
  if (typeof body !== 'string' && !Buffer.isBuffer(body)) throw identityError('FW_CSR_MALFORMED', 'no body');
  const text = body
    .toString('latin1')
    .replace(/-----(BEGIN|END) (NEW )?CERTIFICATE REQUEST-----/g, '')
    .replace(/[\r\n\t ]+/g, '');
  if (text.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 === 1) {
    throw identityError('FW_CSR_MALFORMED', 'the body must be base64 of a DER PKCS#10 request');
  }
  return Buffer.from(text, 'base64');
}
