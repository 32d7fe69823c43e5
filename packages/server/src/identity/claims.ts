import { isModelName } from '@fleetward/protocol';
import type { Clock } from '../kernel/index.js';
import { randomId, randomSecret } from '../kernel/index.js';
import { hashToken, tokenMatches } from '../secrets/index.js';
import type { Sql } from '../store/index.js';
import { identityError } from './errors.js';

export interface ClaimInput {
  readonly model: string;
  /** How many devices may enroll with it (default 1). */
  readonly uses?: number;
  /** Lifetime in milliseconds (default 24 h). */
  readonly ttlMs?: number;
  /** Who created it: `operator:<name>`. */
  readonly createdBy: string;
}

export interface CreatedClaim {
  /** `fwc_<id>.<secret>`: shown once, stored only as a hash of the secret. */
  readonly token: string;
  readonly id: string;
  readonly model: string;
  readonly uses: number;
  readonly expiresAt: Date;
}

/** What a token allows once its use is taken. */
export interface ClaimGrant {
  readonly id: string;
  readonly model: string;
}

const TOKEN_PATTERN = /^(fwc_[A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;
const MAX_TTL_MS = 366 * 24 * 3600 * 1000;
// compared against when the id is unknown, so that answer takes as long as a wrong secret
const DUMMY_HASH = hashToken('fleetward-no-such-claim');

export function validateClaimInput(input: ClaimInput): Required<ClaimInput> {
  const uses = input.uses ?? 1;
  const ttlMs = input.ttlMs ?? 24 * 3600 * 1000;
  if (!isModelName(input.model)) throw identityError('FW_CLAIM_INVALID', 'model must match [a-z0-9][a-z0-9-]{1,63}');
  if (!Number.isInteger(uses) || uses < 1 || uses > 100_000)
    throw identityError('FW_CLAIM_INVALID', 'uses: 1 to 100000');
  if (!Number.isFinite(ttlMs) || ttlMs < 1_000 || ttlMs > MAX_TTL_MS) {
    throw identityError('FW_CLAIM_INVALID', 'ttl: 1 second to 1 year');
  }
  return { model: input.model, uses, ttlMs, createdBy: input.createdBy };
}

export async function insertClaim(db: Sql, clock: Clock, input: ClaimInput): Promise<CreatedClaim> {
  const { model, uses, ttlMs, createdBy } = validateClaimInput(input);
  const id = randomId('fwc');
  const secret = randomSecret();
  const now = clock.now();
  const expiresAt = new Date(now.getTime() + ttlMs);
  await db.query(
    `insert into claim_tokens (id, hash, model, max_uses, expires_at, created_by, created_at)
     values ($1, $2, $3, $4, $5, $6, $7)`,
    [id, hashToken(secret), model, uses, expiresAt, createdBy, now],
  );
  return { token: `${id}.${secret}`, id, model, uses, expiresAt };
}

interface ClaimRow {
  id: string;
  hash: Uint8Array;
  model: string;
  max_uses: number;
  uses: number;
  expires_at: Date;
  revoked_at: Date | null;
}

/**
 * Checks a presented token: format, known id, secret (constant-time), not revoked, not
 * expired, uses left. With `take`, also takes one use, atomically: pass the enrollment's
 * transaction so a failed enrollment gives the use back.
 */
export async function checkClaim(db: Sql, clock: Clock, token: string, take = false): Promise<ClaimGrant> {
  const match = TOKEN_PATTERN.exec(token);
  const lock = take ? ' for update' : '';
  const r = match
    ? await db.query<ClaimRow>(`select * from claim_tokens where id = $1${lock}`, [match[1]])
    : { rows: [] as ClaimRow[] };
  const row = r.rows[0];
  const secretOk = tokenMatches(match?.[2] ?? '', row?.hash ?? DUMMY_HASH);
  if (!row || !secretOk || row.revoked_at) throw identityError('FW_ENROLL_TOKEN_INVALID', 'unknown claim token');
  const now = clock.now();
  if (new Date(row.expires_at).getTime() <= now.getTime()) {
    throw identityError('FW_ENROLL_TOKEN_EXPIRED', 'the claim token has expired');
  }
  if (row.uses >= row.max_uses) throw identityError('FW_ENROLL_TOKEN_USED_UP', 'the claim token has no uses left');
  if (take) {
    const u = await db.query('update claim_tokens set uses = uses + 1 where id = $1 and uses < max_uses', [row.id]);
    if (u.rowCount !== 1) throw identityError('FW_ENROLL_TOKEN_USED_UP', 'the claim token has no uses left');
  }
  return { id: row.id, model: row.model };
}
