import { TLV_HEADER_SIZE, TLV_INFO_SIZE } from './constants.js';
import { firmwareError } from './errors.js';
import { need, putU16, u16 } from './reader.js';

/** One `struct image_tlv` with its value (a view into the image). */
export interface Tlv {
  readonly type: number;
  /** Offset of the TLV's 4-byte header in the image. */
  readonly offset: number;
  readonly value: Uint8Array;
}

export interface TlvArea {
  readonly magic: number;
  /** Offset of the area's info header in the image. */
  readonly offset: number;
  /** `it_tlv_tot`: the whole area, its info header included. */
  readonly totalSize: number;
  readonly entries: readonly Tlv[];
}

/**
 * Reads the TLV area at `offset` whose info header must carry `magic`. Every step advances by
 * at least 4 bytes and stays inside the area, so a hostile length can neither loop nor overrun.
 */
export function parseTlvArea(b: Uint8Array, offset: number, magic: number): TlvArea {
  const found = u16(b, offset, 'TLV info magic');
  if (found !== magic) {
    throw firmwareError(
      'FW_IMAGE_TLV_INVALID',
      `TLV info magic at ${offset} is 0x${found.toString(16)}, expected 0x${magic.toString(16)}`,
    );
  }
  const totalSize = u16(b, offset + 2, 'TLV info length');
  if (totalSize < TLV_INFO_SIZE) throw firmwareError('FW_IMAGE_TLV_INVALID', `TLV area length ${totalSize} < 4`);
  need(b, offset, totalSize, 'TLV area');
  const end = offset + totalSize;
  const entries: Tlv[] = [];
  let off = offset + TLV_INFO_SIZE;
  while (off < end) {
    if (off + TLV_HEADER_SIZE > end)
      throw firmwareError('FW_IMAGE_TLV_INVALID', `TLV header at ${off} crosses the area end`);
    // MCUboot <= 1.x wrote u8 type + u8 pad; a u16 read is the same for every defined type.
    const type = u16(b, off, 'TLV type');
    const len = u16(b, off + 2, 'TLV length');
    const valueAt = off + TLV_HEADER_SIZE;
    if (valueAt + len > end)
      throw firmwareError('FW_IMAGE_TLV_INVALID', `TLV 0x${type.toString(16)} runs past the area`);
    entries.push({ type, offset: off, value: b.subarray(valueAt, valueAt + len) });
    off = valueAt + len;
  }
  return { magic, offset, totalSize, entries };
}

/** Encodes a TLV area as imgtool's `TLV.get()`: nothing at all when there are no entries. */
export function encodeTlvArea(magic: number, entries: ReadonlyArray<{ type: number; value: Uint8Array }>): Uint8Array {
  if (entries.length === 0) return new Uint8Array(0);
  const total = TLV_INFO_SIZE + entries.reduce((n, e) => n + TLV_HEADER_SIZE + e.value.length, 0);
  if (total > 0xffff) throw firmwareError('FW_IMAGE_OPTIONS_INVALID', `TLV area of ${total} bytes exceeds 65535`);
  const out = new Uint8Array(total);
  putU16(out, 0, magic);
  putU16(out, 2, total);
  let off = TLV_INFO_SIZE;
  for (const e of entries) {
    putU16(out, off, e.type);
    putU16(out, off + 2, e.value.length);
    out.set(e.value, off + TLV_HEADER_SIZE);
    off += TLV_HEADER_SIZE + e.value.length;
  }
  return out;
}
