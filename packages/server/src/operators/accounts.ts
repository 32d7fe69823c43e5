import type { Role } from '../api/index.js';
import { hashPassword } from '../secrets/index.js';
import type { Sql } from '../store/index.js';
import { operatorError } from './errors.js';
import { checkPasswordPolicy } from './password-policy.js';
import { randomBytes } from 'node:crypto';

export interface OperatorInfo {
  readonly id: string;
  readonly username: string;
  readonly role: Role;
  readonly createdAt: string;
  readonly lockedUntil: string | null;
}

export interface OperatorRow {
  id: string;
  username: string;
  password_hash: string;
  role: Role;
  failed_logins: number;
  locked_until: Date | string | null;
  created_at: Date | string;
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,63}$/;

/** Usernames are compared case-insensitively: NFKC, lowercase, then `[a-z0-9][a-z0-9._-]{1,63}`. */
export function normalizeUsername(raw: string): string {
  const name = raw.normalize('NFKC').toLowerCase();
  if (!USERNAME.test(name)) {
    throw operatorError(
      'FW_USERNAME_INVALID',
      'a username is 2 to 64 of a-z 0-9 . _ - starting with a letter or digit',
    );
  }
  return name;
}

export function toInfo(row: OperatorRow): OperatorInfo {
  return {
    id: row.id,
    username: row.username,
    role: row.role,
    createdAt: new Date(row.created_at).toISOString(),
    lockedUntil: row.locked_until === null ? null : new Date(row.locked_until).toISOString(),
  };
}

export async function findOperator(
  sql: Sql,
  by: { id: string } | { username: string },
): Promise<OperatorRow | undefined> {
  const [column, value] = 'id' in by ? ['id', by.id] : ['username', by.username];
  const r = await sql.query<OperatorRow>(`select * from operators where ${column} = $1`, [value]);
  return r.rows[0];
}

export async function listOperators(sql: Sql): Promise<OperatorInfo[]> {
  const r = await sql.query<OperatorRow>('select * from operators order by username');
  return r.rows.map(toInfo);
}

/** Inserts an operator after checking the username and the password policy. */
export async function insertOperator(
  sql: Sql,
  now: Date,
  spec: { username: string; password: string; role: Role },
): Promise<OperatorInfo> {
  const username = normalizeUsername(spec.username);
  checkPasswordPolicy(spec.password, username);
  if (await findOperator(sql, { username })) {
    throw operatorError('FW_OPERATOR_EXISTS', `an operator named ${username} already exists`);
  }
  const id = `op_${randomBytes(12).toString('base64url')}`;
  const hash = await hashPassword(spec.password);
  await sql.query('insert into operators (id, username, password_hash, role, created_at) values ($1, $2, $3, $4, $5)', [
    id,
    username,
    hash,
    spec.role,
    now,
  ]);
  return { id, username, role: spec.role, createdAt: now.toISOString(), lockedUntil: null };
}

/** Deletes an operator and its tokens. Refuses the caller itself and the last admin. */
export async function removeOperator(sql: Sql, id: string, callerId: string): Promise<OperatorRow> {
  const row = await findOperator(sql, { id });
  if (!row) throw operatorError('FW_OPERATOR_NOT_FOUND', 'no such operator');
  if (row.id === callerId) throw operatorError('FW_OPERATOR_LAST_ADMIN', 'an operator cannot delete itself');
  if (row.role === 'admin') {
    const admins = await sql.query<{ n: number }>(`select count(*)::int as n from operators where role = 'admin'`);
    if ((admins.rows[0]?.n ?? 0) <= 1)
      throw operatorError('FW_OPERATOR_LAST_ADMIN', 'the last admin cannot be deleted');
  }
  await sql.query('delete from api_tokens where operator_id = $1', [id]);
  await sql.query('delete from operators where id = $1', [id]);
  return row;
}

/** Sets a new password (policy checked), clears the lockout, and ends the operator's other sessions. */
export async function setPassword(
  sql: Sql,
  now: Date,
  row: OperatorRow,
  password: string,
  keepTokenId: string | undefined,
): Promise<void> {
  checkPasswordPolicy(password, row.username);
  const hash = await hashPassword(password);
  await sql.query('update operators set password_hash = $2, failed_logins = 0, locked_until = null where id = $1', [
    row.id,
    hash,
  ]);
  await sql.query(
    `update api_tokens set revoked_at = $3
      where operator_id = $1 and name = 'session' and revoked_at is null and id <> coalesce($2, '')`,
    [row.id, keepTokenId ?? null, now],
  );
}
