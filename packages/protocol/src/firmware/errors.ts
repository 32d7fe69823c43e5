import { errorFactory, type ErrorCatalogue } from '../errors.js';

/** Codes of the firmware image format: parsing, verification and signing input. */
export const FIRMWARE_ERRORS = {
  FW_IMAGE_TRUNCATED: {
    fault: 'input',
    summary: 'The image ends before its header, payload or a TLV area says it should.',
  },
  FW_IMAGE_BAD_MAGIC: { fault: 'input', summary: 'The image does not start with the MCUboot magic 0x96f3b83d.' },
  FW_IMAGE_HEADER_INVALID: {
    fault: 'input',
    summary: 'The image header is inconsistent (header size below 32, sizes overflowing) or has a flag we refuse.',
  },
  FW_IMAGE_TLV_INVALID: {
    fault: 'input',
    summary:
      'A TLV area is malformed: wrong info magic, a length past its end, a duplicate or misplaced TLV, a bad value size.',
  },
  FW_IMAGE_NO_HASH: { fault: 'input', summary: 'The image has no SHA-256 TLV.' },
  FW_IMAGE_HASH_MISMATCH: {
    fault: 'input',
    summary: 'The SHA-256 of header, payload and protected TLVs differs from the SHA256 TLV: the image was altered.',
  },
  FW_IMAGE_NO_SIGNATURE: { fault: 'input', summary: 'The image carries no signature at all (unsigned image).' },
  FW_IMAGE_KEY_MISMATCH: {
    fault: 'input',
    summary: 'The image is signed, but by another key: no KEYHASH TLV matches the given public key.',
  },
  FW_IMAGE_SIGNATURE_INVALID: {
    fault: 'input',
    summary: 'The signature for the given key does not verify: the image or its signature was altered.',
  },
  FW_IMAGE_KEY_UNSUPPORTED: {
    fault: 'input',
    summary: 'The key is not an ECDSA P-256 or Ed25519 SubjectPublicKeyInfo (or PKCS#8 private key for signing).',
  },
  FW_IMAGE_VERSION_INVALID: {
    fault: 'input',
    summary: 'A firmware version must read major.minor.revision[+build] within 255.255.65535+4294967295.',
  },
  FW_IMAGE_OPTIONS_INVALID: {
    fault: 'input',
    summary:
      'A signing option is out of range (header size, alignment, security counter, load address) or the image does not fit the slot.',
  },
  FW_FIRMWARE_KEY_EXISTS: {
    fault: 'conflict',
    summary: 'The key file already exists; keygen never overwrites a signing key. Choose another directory.',
  },
} as const satisfies ErrorCatalogue;

export type FirmwareErrorCode = keyof typeof FIRMWARE_ERRORS;
export const firmwareError = errorFactory(FIRMWARE_ERRORS);
