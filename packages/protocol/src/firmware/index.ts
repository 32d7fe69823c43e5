// MCUboot image format: layout, parsing, verification (platform-free; WebCrypto only).
export {
  ECDSA_P256_MAX_DER_SIZE,
  IMAGE_FLAG,
  IMAGE_HEADER_SIZE,
  IMAGE_MAGIC,
  SIGNATURE_TLV,
  TLV_INFO_MAGIC,
  TLV_PROT_INFO_MAGIC,
  TLV_TYPE,
} from './constants.js';
export type { FirmwareKeyType } from './constants.js';
export { FIRMWARE_ERRORS, firmwareError } from './errors.js';
export type { FirmwareErrorCode } from './errors.js';
export { parseHeader, writeHeader } from './header.js';
export type { ImageHeader } from './header.js';
export { parseImage } from './image.js';
export type { ImageSignature, ParsedImage } from './image.js';
export { firmwarePublicKey, pemToDer } from './keys.js';
export type { FirmwarePublicKey } from './keys.js';
export { encodeTlvArea, parseTlvArea } from './tlv.js';
export type { Tlv, TlvArea } from './tlv.js';
export { compareVersions, formatVersion, parseVersion } from './version.js';
export type { ImageVersion } from './version.js';
export { sha256, verifyImage } from './verify.js';
export type { VerifiedImage } from './verify.js';
export { concat, toHex } from './reader.js';
