import { firmwareError } from '@fleetward/protocol';

const MAX_SECTORS = 128; // imgtool DEFAULT_MAX_SECTORS
const MAX_ALIGN = 8; // imgtool DEFAULT_MAX_ALIGN
const MAGIC_SIZE = 16;
const ALIGNMENTS = new Set([1, 2, 4, 8, 16, 32]);

/**
 * Size of MCUboot's image trailer for a swap upgrade (imgtool `_trailer_size`, no encryption):
 * swap status (max sectors x 3 x write size), four flag fields of max-align, the boot magic.
 */
export function trailerSize(align: number): number {
  if (!ALIGNMENTS.has(align)) throw firmwareError('FW_IMAGE_OPTIONS_INVALID', `align must be 1, 2, 4, 8, 16 or 32`);
  const maxAlign = Math.max(MAX_ALIGN, align);
  const magicAligned = Math.ceil(MAGIC_SIZE / maxAlign) * maxAlign;
  return MAX_SECTORS * 3 * align + maxAlign * 4 + magicAligned;
}

/** imgtool `check_trailer`: image + trailer must fit the slot (no check when slotSize is 0). */
export function checkSlotSize(imageSize: number, align: number, slotSize: number): void {
  const trailer = trailerSize(align);
  if (!Number.isInteger(slotSize) || slotSize < 0) {
    throw firmwareError('FW_IMAGE_OPTIONS_INVALID', `slot size must be a positive integer`);
  }
  if (slotSize > 0 && imageSize + trailer > slotSize) {
    throw firmwareError(
      'FW_IMAGE_OPTIONS_INVALID',
      `image (0x${imageSize.toString(16)}) + trailer (0x${trailer.toString(16)}) exceeds the slot size 0x${slotSize.toString(16)}`,
    );
  }
}
