import { createHash, sign as nodeSign, type KeyObject } from 'node:crypto';
import {
  IMAGE_FLAG,
  IMAGE_HEADER_SIZE,
  TLV_INFO_MAGIC,
  TLV_PROT_INFO_MAGIC,
  TLV_TYPE,
  concat,
  encodeTlvArea,
  firmwareError,
  parseVersion,
  writeHeader,
  type ImageVersion,
} from '@fleetward/protocol';
import { keyType, publicKeyDer } from './keys.js';
import { checkSlotSize } from './trailer.js';

/** The options of imgtool `sign` this project supports, with imgtool's defaults. */
export interface SignOptions {
  /** `1.2.3+4` or its parts. */
  readonly version: string | ImageVersion;
  /** SEC_CNT, written into the protected TLV area; omitted when undefined. */
  readonly securityCounter?: number;
  /** `--header-size`, at least 32. */
  readonly headerSize: number;
  /** `--pad-header`: prepend `headerSize` erased bytes to the input instead of requiring them. */
  readonly padHeader?: boolean;
  /** `--align` (flash write size: 1, 2, 4, 8, 16 or 32; default 1); only sizes the trailer. */
  readonly align?: number;
  /** `--slot-size`: refuse an image that does not fit with its trailer; 0 = no check. */
  readonly slotSize?: number;
  /** `--load-addr`: non-zero sets IMAGE_F_RAM_LOAD. */
  readonly loadAddr?: number;
  /** `--erased-val`: 0xff by default (flash erase value, used for header padding). */
  readonly erasedVal?: 0 | 0xff;
}

/**
 * Signs a firmware binary into an MCUboot image exactly as imgtool's `Image.create` lays it
 * out: header area, payload, protected TLVs (SEC_CNT), then SHA256, KEYHASH and the signature.
 */
export function signImage(input: Uint8Array, key: KeyObject, options: SignOptions): Uint8Array {
  const type = keyType(key);
  const version = typeof options.version === 'string' ? parseVersion(options.version) : options.version;
  const body = headerArea(input, options);
  const protectedTlvs = encodeTlvArea(TLV_PROT_INFO_MAGIC, securityCounterTlv(options.securityCounter));
  writeHeader(body, {
    loadAddr: checkU32(options.loadAddr ?? 0, 'load address'),
    hdrSize: options.headerSize,
    protectTlvSize: protectedTlvs.length,
    imgSize: checkU32(body.length - options.headerSize, 'image size'),
    flags: options.loadAddr ? IMAGE_FLAG.RAM_LOAD : 0,
    version,
  });
  const signed = concat([body, protectedTlvs]);
  const digest = createHash('sha256').update(signed).digest();
  const keyHash = createHash('sha256').update(publicKeyDer(key)).digest();
  // ECDSA P-256 signs the region with SHA-256 (DER signature); Ed25519 signs the digest.
  const signature =
    type === 'ed25519' ? nodeSign(null, digest, key) : nodeSign('sha256', signed, { key, dsaEncoding: 'der' });
  const tlvs = encodeTlvArea(TLV_INFO_MAGIC, [
    { type: TLV_TYPE.SHA256, value: digest },
    { type: TLV_TYPE.KEYHASH, value: keyHash },
    { type: type === 'ed25519' ? TLV_TYPE.ED25519 : TLV_TYPE.ECDSA_SIG, value: signature },
  ]);
  const image = concat([signed, tlvs]);
  checkSlotSize(image.length, options.align ?? 1, options.slotSize ?? 0);
  return image;
}

/** imgtool `load` + `check_header`: the first headerSize bytes are the header area. */
function headerArea(input: Uint8Array, options: SignOptions): Uint8Array {
  const size = options.headerSize;
  if (!Number.isInteger(size) || size < IMAGE_HEADER_SIZE || size > 0xffff) {
    throw firmwareError('FW_IMAGE_OPTIONS_INVALID', `header size must be 32..65535, not ${size}`);
  }
  if (options.padHeader) {
    const out = new Uint8Array(size + input.length).fill(options.erasedVal ?? 0xff, 0, size);
    out.set(input, size);
    return out;
  }
  if (input.length < size || input.subarray(0, size).some((b) => b !== 0)) {
    throw firmwareError(
      'FW_IMAGE_OPTIONS_INVALID',
      'the input does not start with header-size zero bytes; use --pad-header',
    );
  }
  return Uint8Array.from(input);
}

function securityCounterTlv(counter: number | undefined): Array<{ type: number; value: Uint8Array }> {
  if (counter === undefined) return [];
  const value = new Uint8Array(4);
  new DataView(value.buffer).setUint32(0, checkU32(counter, 'security counter'), true);
  return [{ type: TLV_TYPE.SEC_CNT, value }];
}

function checkU32(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) {
    throw firmwareError('FW_IMAGE_OPTIONS_INVALID', `${what} must be 0..4294967295, not ${n}`);
  }
  return n;
}
