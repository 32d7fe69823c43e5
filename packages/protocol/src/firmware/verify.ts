import { SIGNATURE_TLV, TLV_TYPE, type FirmwareKeyType } from './constants.js';
import { ecdsaDerToRaw } from './der.js';
import { firmwareError } from './errors.js';
import type { ImageHeader } from './header.js';
import { parseImage, type ImageSignature, type ParsedImage } from './image.js';
import type { FirmwarePublicKey } from './keys.js';
import { equalBytes, toHex } from './reader.js';
import { formatVersion, type ImageVersion } from './version.js';

/** What a verified image says about itself; every field is covered by the signature. */
export interface VerifiedImage {
  readonly header: ImageHeader;
  readonly version: ImageVersion;
  /** `1.2.3+4`. */
  readonly versionText: string;
  /** SEC_CNT, or null when the image has none. */
  readonly securityCounter: number | null;
  /** SHA-256 of header, payload and protected TLVs, lowercase hex. */
  readonly digest: string;
  readonly keyType: FirmwareKeyType;
  /** Bytes up to the end of the TLV area. */
  readonly size: number;
}

/**
 * Verifies an image against one public key, as MCUboot's `bootutil_img_validate` does: the
 * SHA256 TLV must equal the hash of header + payload + protected TLVs, a KEYHASH TLV must name
 * this key, and the signature TLV after it must verify. ECDSA P-256 signs that region with
 * SHA-256; Ed25519 signs the 32-byte digest itself (docs/decisions/0006).
 */
export async function verifyImage(bytes: Uint8Array, key: FirmwarePublicKey): Promise<VerifiedImage> {
  const image = parseImage(bytes);
  const digest = await checkHash(image);
  const signature = await findSignature(image, key);
  await checkSignature(image, signature, key, digest);
  return {
    header: image.header,
    version: image.header.version,
    versionText: formatVersion(image.header.version),
    securityCounter: image.securityCounter,
    digest: toHex(digest),
    keyType: key.type,
    size: image.size,
  };
}

/** SHA-256 over bytes, via WebCrypto. */
export async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', data));
}

async function checkHash(image: ParsedImage): Promise<Uint8Array> {
  if (!image.hash) throw firmwareError('FW_IMAGE_NO_HASH', 'the image has no SHA256 TLV');
  const digest = await sha256(image.signedRegion);
  if (!equalBytes(digest, image.hash)) throw firmwareError('FW_IMAGE_HASH_MISMATCH', 'the image hash does not match');
  return digest;
}

async function findSignature(image: ParsedImage, key: FirmwarePublicKey): Promise<ImageSignature> {
  if (image.signatures.length === 0) throw firmwareError('FW_IMAGE_NO_SIGNATURE', 'the image is not signed');
  const keyHash = await sha256(key.spki);
  const wanted = SIGNATURE_TLV[key.type];
  const match = image.signatures.find((s) => s.type === wanted && s.keyHash && equalBytes(s.keyHash, keyHash));
  if (!match) throw firmwareError('FW_IMAGE_KEY_MISMATCH', `no ${key.type} signature for the given key`);
  return match;
}

async function checkSignature(
  image: ParsedImage,
  signature: ImageSignature,
  key: FirmwarePublicKey,
  digest: Uint8Array,
): Promise<void> {
  let ok = false;
  try {
    if (signature.type === TLV_TYPE.ED25519) {
      const k = await crypto.subtle.importKey('spki', key.spki, { name: 'Ed25519' }, false, ['verify']);
      ok = await crypto.subtle.verify({ name: 'Ed25519' }, k, signature.value, digest);
    } else {
      const raw = ecdsaDerToRaw(signature.value);
      const k = await crypto.subtle.importKey('spki', key.spki, { name: 'ECDSA', namedCurve: 'P-256' }, false, [
        'verify',
      ]);
      ok = await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, k, raw, image.signedRegion);
    }
  } catch (cause) {
    throw firmwareError('FW_IMAGE_SIGNATURE_INVALID', 'the signature could not be checked', { cause });
  }
  if (!ok) throw firmwareError('FW_IMAGE_SIGNATURE_INVALID', 'the signature does not verify');
}
