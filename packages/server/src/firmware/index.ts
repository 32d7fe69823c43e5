// Firmware signing (the author's side of MCUboot images); verification lives in @fleetward/protocol.
export {
  FIRMWARE_KEY_FILES,
  generateFirmwareKey,
  keyType,
  loadSigningKey,
  publicKeyDer,
  writeFirmwareKey,
} from './keys.js';
export type { FirmwareKeyPair } from './keys.js';
export { signImage } from './sign.js';
export type { SignOptions } from './sign.js';
export { trailerSize } from './trailer.js';
