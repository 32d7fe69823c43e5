/**
 * MCUboot image format constants (mcu-tools/mcuboot docs/design.md, "Image format";
 * boot/bootutil/include/bootutil/image.h). All multi-byte fields are little-endian.
 */

/** `struct image_header.ih_magic`. */
export const IMAGE_MAGIC = 0x96f3b83d;
/** `sizeof(struct image_header)`: the fixed part; `ih_hdr_size` may be larger (padding). */
export const IMAGE_HEADER_SIZE = 32;
/** `IMAGE_TLV_INFO_MAGIC`: the unprotected TLV area. */
export const TLV_INFO_MAGIC = 0x6907;
/** `IMAGE_TLV_PROT_INFO_MAGIC`: the protected TLV area (covered by the hash). */
export const TLV_PROT_INFO_MAGIC = 0x6908;
/** `struct image_tlv_info` and `struct image_tlv` are both 4 bytes. */
export const TLV_INFO_SIZE = 4;
export const TLV_HEADER_SIZE = 4;

/** `IMAGE_TLV_*` types this project reads or writes. */
export const TLV_TYPE = {
  KEYHASH: 0x01,
  PUBKEY: 0x02,
  SHA256: 0x10,
  ECDSA_SIG: 0x22,
  ED25519: 0x24,
  SEC_CNT: 0x50,
} as const;

/** `IMAGE_F_*` header flags. */
export const IMAGE_FLAG = {
  PIC: 0x01,
  ENCRYPTED_AES128: 0x04,
  ENCRYPTED_AES256: 0x08,
  NON_BOOTABLE: 0x10,
  RAM_LOAD: 0x20,
  ROM_FIXED: 0x100,
  COMPRESSED_LZMA1: 0x200,
  COMPRESSED_LZMA2: 0x400,
  COMPRESSED_ARM_THUMB: 0x800,
} as const;

/** Flags whose payload we cannot verify as plain bytes: refused (in doubt, strict). */
export const UNSUPPORTED_FLAGS =
  IMAGE_FLAG.ENCRYPTED_AES128 |
  IMAGE_FLAG.ENCRYPTED_AES256 |
  IMAGE_FLAG.COMPRESSED_LZMA1 |
  IMAGE_FLAG.COMPRESSED_LZMA2 |
  IMAGE_FLAG.COMPRESSED_ARM_THUMB;

/** Signature algorithms: the key type and the TLV that carries its signature. */
export type FirmwareKeyType = 'ecdsa-p256' | 'ed25519';
export const SIGNATURE_TLV: Readonly<Record<FirmwareKeyType, number>> = {
  'ecdsa-p256': TLV_TYPE.ECDSA_SIG,
  ed25519: TLV_TYPE.ED25519,
};

export const SHA256_SIZE = 32;
export const ED25519_SIGNATURE_SIZE = 64;
/** DER `SEQUENCE { INTEGER r, INTEGER s }` for P-256: at most 2 + 2 * (2 + 33). */
export const ECDSA_P256_MAX_DER_SIZE = 72;
