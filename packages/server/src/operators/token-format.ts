import { randomBytes } from 'node:crypto';

/**
 * API tokens are `fwt_<id>.<secret>`: `id` (96 random bits, base64url) finds the row with
 * one primary-key lookup, `secret` (256 random bits, base64url) is only stored hashed.
 */
const TOKEN = /^fwt_([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/;

export interface MintedToken {
  readonly id: string;
  /** The whole token, shown once. */
  readonly token: string;
}

export function mintToken(): MintedToken {
  const id = randomBytes(12).toString('base64url');
  const secret = randomBytes(32).toString('base64url');
  return { id, token: `fwt_${id}.${secret}` };
}

/** The row id of a well-formed token, or undefined. */
export function tokenId(token: string): string | undefined {
  return TOKEN.exec(token)?.[1];
}
