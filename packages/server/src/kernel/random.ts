import { randomBytes } from 'node:crypto';

/** A random identifier: `prefix_` + 16 bytes base64url (128 bits). */
export function randomId(prefix: string): string {
  return `${prefix}_${randomBytes(16).toString('base64url')}`;
}

/** A random secret of 32 bytes (256 bits), base64url. */
export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}
