import { createHash } from 'node:crypto';

/** The genesis `prev_hash`: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

/** What the hash of a row covers. */
export interface ChainedFields {
  readonly seq: number;
  /** ISO-8601 with milliseconds, UTC (`Date.toISOString()`). */
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  readonly details: Readonly<Record<string, unknown>>;
}

/** Canonical JSON: object keys sorted (by UTF-16 code units), no whitespace, arrays in order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(',')}}`;
}

/** `hash = SHA-256(prev_hash || canonical JSON of {seq, at, actor, action, target, details})`, hex. */
export function chainHash(prevHash: string, fields: ChainedFields): string {
  const { seq, at, actor, action, target, details } = fields;
  return createHash('sha256')
    .update(prevHash, 'utf8')
    .update(canonicalJson({ seq, at, actor, action, target, details }), 'utf8')
    .digest('hex');
}
