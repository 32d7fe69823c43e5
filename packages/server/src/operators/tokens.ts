import { isRole, type Principal, type Role } from '../api/index.js';
import type { Clock } from '../kernel/index.js';
import { hashToken, tokenMatches } from '../secrets/index.js';
import type { Sql } from '../store/index.js';
import { operatorError } from './errors.js';
import { mintToken, tokenId } from './token-format.js';

export interface TokenInfo {
  readonly id: string;
  readonly name: string;
  readonly operatorId: string;
  readonly username: string;
  readonly role: Role;
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  readonly lastUsedAt: string | null;
}

export interface NewToken {
  readonly id: string;
  /** `fwt_<id>.<secret>`: returned this once, stored only hashed. */
  readonly token: string;
  readonly name: string;
  readonly role: Role;
  readonly expiresAt: string | null;
}

const MAX_LIFETIME_MS = 10 * 366 * 24 * 3600 * 1000;
/** last_used_at is refreshed at most this often per token, not on every request. */
const LAST_USED_GRANULARITY_MS = 5 * 60 * 1000;

const iso = (v: Date | string | null): string | null => (v === null ? null : new Date(v).toISOString());

/** Stores a new token for `operatorId`. The caller checks the role against its creator. */
export async function insertToken(
  sql: Sql,
  now: Date,
  spec: { operatorId: string; name: string; role: Role; expiresAt?: Date | undefined },
): Promise<NewToken> {
  const { expiresAt } = spec;
  if (expiresAt && (expiresAt <= now || expiresAt.getTime() - now.getTime() > MAX_LIFETIME_MS)) {
    throw operatorError('FW_TOKEN_EXPIRY_INVALID', 'a token must expire in the future and within 10 years');
  }
  const { id, token } = mintToken();
  await sql.query(
    `insert into api_tokens (id, hash, operator_id, role, name, created_at, expires_at)
     values ($1, $2, $3, $4, $5, $6, $7)`,
    [id, hashToken(token), spec.operatorId, spec.role, spec.name, now, expiresAt ?? null],
  );
  return { id, token, name: spec.name, role: spec.role, expiresAt: iso(expiresAt ?? null) };
}

interface AuthRow {
  hash: Uint8Array;
  role: string;
  expires_at: Date | string | null;
  revoked_at: Date | string | null;
  last_used_at: Date | string | null;
  operator_id: string;
  username: string;
  operator_role: string;
}

const ROLE_ORDER: readonly Role[] = ['viewer', 'operator', 'admin'];

/**
 * Checks a bearer token: parse the id, one primary-key lookup, a constant-time compare of
 * the hash, then revocation and expiry against the clock. The token acts with the lower of
 * its own role and its operator's current role.
 */
export async function authenticate(sql: Sql, clock: Clock, token: string): Promise<Principal | undefined> {
  const id = tokenId(token);
  if (!id) return undefined;
  const r = await sql.query<AuthRow>(
    `select t.hash, t.role, t.expires_at, t.revoked_at, t.last_used_at,
            o.id as operator_id, o.username, o.role as operator_role
       from api_tokens t join operators o on o.id = t.operator_id
      where t.id = $1`,
    [id],
  );
  const row = r.rows[0];
  if (!row || !tokenMatches(token, row.hash)) return undefined;
  const now = clock.now();
  if (row.revoked_at !== null) return undefined;
  if (row.expires_at !== null && new Date(row.expires_at) <= now) return undefined;
  if (!isRole(row.role) || !isRole(row.operator_role)) return undefined;
  const role = ROLE_ORDER[Math.min(ROLE_ORDER.indexOf(row.role), ROLE_ORDER.indexOf(row.operator_role))] as Role;
  if (row.last_used_at === null || now.getTime() - new Date(row.last_used_at).getTime() > LAST_USED_GRANULARITY_MS) {
    // best effort, off the request path
    sql.query('update api_tokens set last_used_at = $2 where id = $1', [id, now]).catch(() => undefined);
  }
  return { operatorId: row.operator_id, username: row.username, role, tokenId: id };
}

interface InfoRow {
  id: string;
  name: string;
  operator_id: string;
  username: string;
  role: Role;
  created_at: Date | string;
  expires_at: Date | string | null;
  revoked_at: Date | string | null;
  last_used_at: Date | string | null;
}

export async function listTokens(sql: Sql): Promise<TokenInfo[]> {
  const r = await sql.query<InfoRow>(
    `select t.id, t.name, t.operator_id, o.username, t.role, t.created_at, t.expires_at, t.revoked_at, t.last_used_at
       from api_tokens t join operators o on o.id = t.operator_id
      order by t.created_at, t.id`,
  );
  return r.rows.map((row) => ({
    id: row.id,
    name: row.name,
    operatorId: row.operator_id,
    username: row.username,
    role: row.role,
    createdAt: new Date(row.created_at).toISOString(),
    expiresAt: iso(row.expires_at),
    revokedAt: iso(row.revoked_at),
    lastUsedAt: iso(row.last_used_at),
  }));
}

/** Revokes a token (idempotent); FW_TOKEN_NOT_FOUND when there is none with this id. */
export async function revokeToken(sql: Sql, now: Date, id: string): Promise<{ operatorId: string }> {
  const r = await sql.query<{ operator_id: string }>(
    'update api_tokens set revoked_at = coalesce(revoked_at, $2) where id = $1 returning operator_id',
    [id, now],
  );
  const row = r.rows[0];
  if (!row) throw operatorError('FW_TOKEN_NOT_FOUND', 'no such API token');
  return { operatorId: row.operator_id };
}
