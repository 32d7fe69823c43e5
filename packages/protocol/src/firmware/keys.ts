import type { FirmwareKeyType } from './constants.js';
import { firmwareError } from './errors.js';
import { equalBytes } from './reader.js';

/**
 * A public key as MCUboot's KEYHASH sees it: imgtool's `get_public_bytes()` is the DER
 * SubjectPublicKeyInfo for both ECDSA P-256 and Ed25519 (see docs/decisions/0006).
 */
export interface FirmwarePublicKey {
  readonly type: FirmwareKeyType;
  readonly spki: Uint8Array;
}

// RFC 5480 §2 (id-ecPublicKey, secp256r1, uncompressed point) and RFC 8410 §4 (id-Ed25519):
// both SPKIs have one fixed DER prefix followed by the key bits.
const P256_SPKI_PREFIX = hex('3059301306072a8648ce3d020106082a8648ce3d03010703420004');
const ED25519_SPKI_PREFIX = hex('302a300506032b6570032100');

/** Classifies a DER SubjectPublicKeyInfo (or its PEM); refuses anything but P-256 and Ed25519. */
export function firmwarePublicKey(input: Uint8Array | string): FirmwarePublicKey {
  const spki = typeof input === 'string' ? pemToDer(input, 'PUBLIC KEY') : input;
  if (spki.length === P256_SPKI_PREFIX.length + 64 && startsWith(spki, P256_SPKI_PREFIX)) {
    return { type: 'ecdsa-p256', spki };
  }
  if (spki.length === ED25519_SPKI_PREFIX.length + 32 && startsWith(spki, ED25519_SPKI_PREFIX)) {
    return { type: 'ed25519', spki };
  }
  throw firmwareError('FW_IMAGE_KEY_UNSUPPORTED', 'not an ECDSA P-256 or Ed25519 SubjectPublicKeyInfo');
}

/** Decodes one PEM block with the given label (RFC 7468). */
export function pemToDer(pem: string, label: string): Uint8Array {
  const m = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+)-----END ${label}-----`).exec(pem);
  if (!m) throw firmwareError('FW_IMAGE_KEY_UNSUPPORTED', `no ${label} PEM block`);
  try {
    const bin = atob(m[1]!.replace(/\s+/g, ''));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  } catch (cause) {
    throw firmwareError('FW_IMAGE_KEY_UNSUPPORTED', `bad base64 in the ${label} PEM block`, { cause });
  }
}

function startsWith(b: Uint8Array, prefix: Uint8Array): boolean {
  return equalBytes(b.subarray(0, prefix.length), prefix);
}

function hex(s: string): Uint8Array {
  return Uint8Array.from(s.match(/../g)!, (x) => parseInt(x, 16));
}
