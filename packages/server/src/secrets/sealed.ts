import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { serverError } from '../errors.js';

const VERSION = 1;

/**
 * Authenticated encryption of secrets at rest: AES-256-GCM, a random 96-bit nonce per
 * seal, and the secret's name as associated data, so a sealed value cannot be moved to
 * another name. Layout: version(1) | nonce(12) | tag(16) | ciphertext.
 */
export class Sealer {
  readonly #key: Buffer;
  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw serverError('FW_MASTER_KEY_INVALID', 'the master key must be 32 bytes');
    this.#key = masterKey;
  }

  seal(name: string, plaintext: Uint8Array): Buffer {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonce);
    cipher.setAAD(Buffer.from(name, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), nonce, cipher.getAuthTag(), body]);
  }

  open(name: string, sealed: Uint8Array): Buffer {
    const buf = Buffer.from(sealed);
    try {
      if (buf[0] !== VERSION || buf.length < 29) throw new Error('unknown format');
      const decipher = createDecipheriv('aes-256-gcm', this.#key, buf.subarray(1, 13));
      decipher.setAAD(Buffer.from(name, 'utf8'));
      decipher.setAuthTag(buf.subarray(13, 29));
      return Buffer.concat([decipher.update(buf.subarray(29)), decipher.final()]);
    } catch (cause) {
      throw serverError('FW_SECRET_DECRYPT_FAILED', `cannot decrypt ${name}`, { cause });
    }
  }
}
