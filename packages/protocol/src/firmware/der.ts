import { firmwareError } from './errors.js';

/**
 * Converts a DER ECDSA-Sig-Value (RFC 3279 §2.2.3: SEQUENCE { r INTEGER, s INTEGER }) into
 * the fixed-size r || s form WebCrypto verifies (IEEE P1363). Strict DER: minimal lengths,
 * no trailing bytes, positive integers of at most `size` significant bytes.
 */
export function ecdsaDerToRaw(der: Uint8Array, size = 32): Uint8Array {
  const bad = (why: string) => firmwareError('FW_IMAGE_SIGNATURE_INVALID', `ECDSA signature is not DER: ${why}`);
  if (der.length < 8 || der[0] !== 0x30 || der[1]! >= 0x80 || der[1] !== der.length - 2) throw bad('sequence');
  const out = new Uint8Array(2 * size);
  let off = 2;
  for (let i = 0; i < 2; i++) {
    if (der[off] !== 0x02) throw bad('integer tag');
    const len = der[off + 1]!;
    const start = off + 2;
    if (len === 0 || len >= 0x80 || start + len > der.length) throw bad('integer length');
    let int = der.subarray(start, start + len);
    if (int[0]! & 0x80) throw bad('negative integer');
    if (int.length > 1 && int[0] === 0 && !(int[1]! & 0x80)) throw bad('non-minimal integer');
    if (int[0] === 0) int = int.subarray(1);
    if (int.length > size) throw bad('integer too large');
    out.set(int, (i + 1) * size - int.length);
    off = start + len;
  }
  if (off !== der.length) throw bad('trailing bytes');
  return out;
}
