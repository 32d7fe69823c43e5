import {
  ECDSA_P256_MAX_DER_SIZE,
  ED25519_SIGNATURE_SIZE,
  SHA256_SIZE,
  TLV_INFO_MAGIC,
  TLV_INFO_SIZE,
  TLV_PROT_INFO_MAGIC,
  TLV_TYPE,
} from './constants.js';
import { firmwareError } from './errors.js';
import { parseHeader, type ImageHeader } from './header.js';
import { need, u32 } from './reader.js';
import { parseTlvArea, type Tlv, type TlvArea } from './tlv.js';

/** A signature TLV and the KEYHASH TLV right before it (MCUboot pairs them this way). */
export interface ImageSignature {
  readonly type: number;
  readonly keyHash: Uint8Array | null;
  readonly value: Uint8Array;
}

/** An image whose structure is sound; nothing about it is trusted until `verifyImage`. */
export interface ParsedImage {
  readonly header: ImageHeader;
  readonly payload: Uint8Array;
  /** The hashed and signed region: header area + payload + protected TLV area. */
  readonly signedRegion: Uint8Array;
  readonly protectedTlvs: TlvArea | null;
  readonly tlvs: TlvArea;
  /** SHA256 TLV value, or null when absent. */
  readonly hash: Uint8Array | null;
  /** SEC_CNT from the protected area, or null when absent. */
  readonly securityCounter: number | null;
  readonly signatures: readonly ImageSignature[];
  /** Bytes up to the end of the unprotected TLV area; anything after (slot padding) is ignored. */
  readonly size: number;
}

const UNPROTECTED_ONLY = new Set<number>([
  TLV_TYPE.SHA256,
  TLV_TYPE.KEYHASH,
  TLV_TYPE.PUBKEY,
  TLV_TYPE.ECDSA_SIG,
  TLV_TYPE.ED25519,
]);

/** Parses an MCUboot image (MCUboot docs/design.md "Image format"), bounds-checked throughout. */
export function parseImage(b: Uint8Array): ParsedImage {
  const header = parseHeader(b);
  const payloadEnd = header.hdrSize + header.imgSize;
  need(b, 0, payloadEnd, 'header area and payload');
  const protectedTlvs = parseProtectedArea(b, header, payloadEnd);
  const signedEnd = payloadEnd + header.protectTlvSize;
  const tlvs = parseTlvArea(b, signedEnd, TLV_INFO_MAGIC);
  return {
    header,
    payload: b.subarray(header.hdrSize, payloadEnd),
    signedRegion: b.subarray(0, signedEnd),
    protectedTlvs,
    tlvs,
    hash: readHash(tlvs.entries),
    securityCounter: readSecurityCounter(protectedTlvs?.entries ?? [], tlvs.entries),
    signatures: readSignatures(tlvs.entries),
    size: signedEnd + tlvs.totalSize,
  };
}

function parseProtectedArea(b: Uint8Array, header: ImageHeader, at: number): TlvArea | null {
  if (header.protectTlvSize === 0) return null;
  if (header.protectTlvSize < TLV_INFO_SIZE) {
    throw firmwareError('FW_IMAGE_HEADER_INVALID', `ih_protect_tlv_size ${header.protectTlvSize} < 4`);
  }
  const area = parseTlvArea(b, at, TLV_PROT_INFO_MAGIC);
  if (area.totalSize !== header.protectTlvSize) {
    throw firmwareError(
      'FW_IMAGE_TLV_INVALID',
      `protected TLV area is ${area.totalSize} bytes, header says ${header.protectTlvSize}`,
    );
  }
  for (const t of area.entries) {
    if (UNPROTECTED_ONLY.has(t.type)) {
      throw firmwareError('FW_IMAGE_TLV_INVALID', `TLV 0x${t.type.toString(16)} must not be in the protected area`);
    }
  }
  return area;
}

function readHash(entries: readonly Tlv[]): Uint8Array | null {
  const hashes = entries.filter((t) => t.type === TLV_TYPE.SHA256);
  if (hashes.length > 1) throw firmwareError('FW_IMAGE_TLV_INVALID', 'more than one SHA256 TLV');
  const hash = hashes[0];
  if (!hash) return null;
  if (hash.value.length !== SHA256_SIZE) throw firmwareError('FW_IMAGE_TLV_INVALID', 'SHA256 TLV is not 32 bytes');
  return hash.value;
}

function readSecurityCounter(prot: readonly Tlv[], unprot: readonly Tlv[]): number | null {
  if (unprot.some((t) => t.type === TLV_TYPE.SEC_CNT)) {
    throw firmwareError('FW_IMAGE_TLV_INVALID', 'SEC_CNT must be in the protected area');
  }
  const counters = prot.filter((t) => t.type === TLV_TYPE.SEC_CNT);
  if (counters.length > 1) throw firmwareError('FW_IMAGE_TLV_INVALID', 'more than one SEC_CNT TLV');
  const counter = counters[0];
  if (!counter) return null;
  if (counter.value.length !== 4) throw firmwareError('FW_IMAGE_TLV_INVALID', 'SEC_CNT TLV is not 4 bytes');
  return u32(counter.value, 0, 'SEC_CNT');
}

function readSignatures(entries: readonly Tlv[]): ImageSignature[] {
  const out: ImageSignature[] = [];
  let keyHash: Uint8Array | null = null;
  for (const t of entries) {
    if (t.type === TLV_TYPE.KEYHASH) {
      if (t.value.length !== SHA256_SIZE) throw firmwareError('FW_IMAGE_TLV_INVALID', 'KEYHASH TLV is not 32 bytes');
      keyHash = t.value;
    } else if (t.type === TLV_TYPE.ED25519 || t.type === TLV_TYPE.ECDSA_SIG) {
      checkSignatureSize(t);
      out.push({ type: t.type, keyHash, value: t.value });
      keyHash = null;
    }
  }
  return out;
}

function checkSignatureSize(t: Tlv): void {
  const ok =
    t.type === TLV_TYPE.ED25519
      ? t.value.length === ED25519_SIGNATURE_SIZE
      : t.value.length >= 8 && t.value.length <= ECDSA_P256_MAX_DER_SIZE;
  if (!ok) throw firmwareError('FW_IMAGE_TLV_INVALID', `signature TLV 0x${t.type.toString(16)} has a bad length`);
}
