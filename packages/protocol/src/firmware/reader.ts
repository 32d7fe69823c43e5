import { firmwareError } from './errors.js';

/** Little-endian reads that refuse, with FW_IMAGE_TRUNCATED, to go past the end. */
export function u16(b: Uint8Array, off: number, what: string): number {
  need(b, off, 2, what);
  return b[off]! | (b[off + 1]! << 8);
}

export function u32(b: Uint8Array, off: number, what: string): number {
  need(b, off, 4, what);
  return (b[off]! | (b[off + 1]! << 8) | (b[off + 2]! << 16) | (b[off + 3]! << 24)) >>> 0;
}

/** Throws unless `len` bytes from `off` lie inside `b`. */
export function need(b: Uint8Array, off: number, len: number, what: string): void {
  if (!Number.isSafeInteger(off) || off < 0 || len < 0 || off + len > b.length) {
    throw firmwareError('FW_IMAGE_TRUNCATED', `${what}: needs bytes ${off}..${off + len}, image has ${b.length}`);
  }
}

export function putU16(b: Uint8Array, off: number, v: number): void {
  b[off] = v & 0xff;
  b[off + 1] = (v >>> 8) & 0xff;
}

export function putU32(b: Uint8Array, off: number, v: number): void {
  b[off] = v & 0xff;
  b[off + 1] = (v >>> 8) & 0xff;
  b[off + 2] = (v >>> 16) & 0xff;
  b[off + 3] = (v >>> 24) & 0xff;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export function toHex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}
