import { IMAGE_HEADER_SIZE, IMAGE_MAGIC, UNSUPPORTED_FLAGS } from './constants.js';
import { firmwareError } from './errors.js';
import { need, putU16, putU32, u16, u32 } from './reader.js';
import type { ImageVersion } from './version.js';

/** `struct image_header` (MCUboot docs/design.md, "Image format"). */
export interface ImageHeader {
  readonly loadAddr: number;
  /** `ih_hdr_size`: where the payload starts (the header area, padding included). */
  readonly hdrSize: number;
  /** `ih_protect_tlv_size`: the protected TLV area, its 4-byte info header included; 0 if none. */
  readonly protectTlvSize: number;
  /** `ih_img_size`: payload length. */
  readonly imgSize: number;
  readonly flags: number;
  readonly version: ImageVersion;
}

/** Reads and checks the 32-byte header; refuses sizes that overflow or flags we cannot honour. */
export function parseHeader(b: Uint8Array): ImageHeader {
  need(b, 0, IMAGE_HEADER_SIZE, 'image header');
  const magic = u32(b, 0, 'ih_magic');
  if (magic !== IMAGE_MAGIC) {
    throw firmwareError('FW_IMAGE_BAD_MAGIC', `magic is 0x${magic.toString(16)}, not 0x${IMAGE_MAGIC.toString(16)}`);
  }
  const header: ImageHeader = {
    loadAddr: u32(b, 4, 'ih_load_addr'),
    hdrSize: u16(b, 8, 'ih_hdr_size'),
    protectTlvSize: u16(b, 10, 'ih_protect_tlv_size'),
    imgSize: u32(b, 12, 'ih_img_size'),
    flags: u32(b, 16, 'ih_flags'),
    version: { major: b[20]!, minor: b[21]!, revision: u16(b, 22, 'iv_revision'), build: u32(b, 24, 'iv_build_num') },
  };
  if (header.hdrSize < IMAGE_HEADER_SIZE) {
    throw firmwareError('FW_IMAGE_HEADER_INVALID', `ih_hdr_size ${header.hdrSize} is below ${IMAGE_HEADER_SIZE}`);
  }
  if ((header.flags & UNSUPPORTED_FLAGS) !== 0) {
    throw firmwareError('FW_IMAGE_HEADER_INVALID', `encrypted or compressed images are not supported`);
  }
  return header;
}

/** Writes `header` into the first 32 bytes of `out` (imgtool `add_header`; ih_pad1 = 0). */
export function writeHeader(out: Uint8Array, header: ImageHeader): void {
  putU32(out, 0, IMAGE_MAGIC);
  putU32(out, 4, header.loadAddr);
  putU16(out, 8, header.hdrSize);
  putU16(out, 10, header.protectTlvSize);
  putU32(out, 12, header.imgSize);
  putU32(out, 16, header.flags);
  out[20] = header.version.major;
  out[21] = header.version.minor;
  putU16(out, 22, header.version.revision);
  putU32(out, 24, header.version.build);
  putU32(out, 28, 0);
}
