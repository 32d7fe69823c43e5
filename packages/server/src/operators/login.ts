import type { Role } from '../api/index.js';
import type { Context } from '../kernel/index.js';
import { randomSecret } from '../kernel/index.js';
import { hashPassword, verifyPassword } from '../secrets/index.js';
import { findOperator, normalizeUsername, type OperatorRow } from './accounts.js';
import { operatorError } from './errors.js';
import { ACCOUNT_LOCKOUT, ADDRESS_LOCKOUT, FailureCounter, lockFor } from './lockout.js';
import { insertToken } from './tokens.js';

export interface LoginResult {
  /** A session API token (`fwt_…`), shown once. */
  readonly token: string;
  readonly expiresAt: string;
  readonly role: Role;
}

export interface LoginAttempt {
  readonly username: string;
  readonly password: string;
  /** The source address, for the per-address limit and the audit log. */
  readonly source: string;
}

/** FW_LOGIN_LOCKED carries the seconds to wait, for the Retry-After header. */
export function lockedError(retryAfter: number) {
  return Object.assign(operatorError('FW_LOGIN_LOCKED', `too many failed logins; retry in ${retryAfter} s`), {
    retryAfter,
  });
}

export type Login = (attempt: LoginAttempt) => Promise<LoginResult>;

function tryUsername(raw: string): string | undefined {
  try {
    return normalizeUsername(raw);
  } catch {
    return undefined;
  }
}

/**
 * Password login (OWASP ASVS V2.2.1: anti-automation). One answer, FW_LOGIN_FAILED, for an
 * unknown user and a wrong password, after the same work: a dummy hash is checked when the
 * user does not exist. Failures lock the account (in the database, shared by every server)
 * and the source address; unknown usernames lock like real ones, so a lock says nothing
 * about whether an account exists.
 */
export function createLogin(ctx: Context, sessionTtlMs: number): Login {
  const byAddress = new FailureCounter(ctx.clock, ADDRESS_LOCKOUT);
  const byUnknownName = new FailureCounter(ctx.clock, ACCOUNT_LOCKOUT);
  let dummy: Promise<string> | undefined;

  async function failed(row: OperatorRow | undefined, name: string, source: string, reason: string): Promise<void> {
    byAddress.fail(source);
    const target = `operator:${name}`;
    if (!row) byUnknownName.fail(name);
    else {
      const r = await ctx.store.query<{ failed_logins: number }>(
        'update operators set failed_logins = failed_logins + 1 where id = $1 returning failed_logins',
        [row.id],
      );
      const lockMs = lockFor(ACCOUNT_LOCKOUT, r.rows[0]?.failed_logins ?? 0);
      if (lockMs > 0) {
        const until = new Date(ctx.clock.now().getTime() + lockMs);
        await ctx.store.query('update operators set locked_until = $2 where id = $1', [row.id, until]);
        await ctx.audit.append({
          actor: 'system',
          action: 'operator.lockout',
          target,
          details: { until: until.toISOString() },
        });
      }
    }
    await ctx.audit.append({
      actor: 'anonymous',
      action: 'operator.login.failed',
      target,
      details: { source, reason },
    });
  }

  async function refuseLocked(name: string, source: string, wait: number, reason: string): Promise<never> {
    await ctx.audit.append({
      actor: 'anonymous',
      action: 'operator.login.failed',
      target: `operator:${name}`,
      details: { source, reason },
    });
    throw lockedError(wait);
  }

  return async function login({ username, password, source }) {
    const name = tryUsername(username) ?? '(invalid)';
    const addressWait = byAddress.retryAfter(source);
    if (addressWait > 0) return refuseLocked(name, source, addressWait, 'address-locked');
    const row = name === '(invalid)' ? undefined : await findOperator(ctx.store, { username: name });
    const now = ctx.clock.now();
    const accountWait = row
      ? row.locked_until && new Date(row.locked_until) > now
        ? Math.ceil((new Date(row.locked_until).getTime() - now.getTime()) / 1000)
        : 0
      : byUnknownName.retryAfter(name);
    if (accountWait > 0) return refuseLocked(name, source, accountWait, 'account-locked');
    dummy ??= hashPassword(randomSecret());
    const ok = await verifyPassword(password, row?.password_hash ?? (await dummy));
    if (!row || !ok) {
      await failed(row, name, source, row ? 'bad-password' : 'unknown-user');
      throw operatorError('FW_LOGIN_FAILED', 'unknown username or wrong password');
    }
    return ctx.store.transaction(async (tx) => {
      await tx.query('update operators set failed_logins = 0, locked_until = null where id = $1', [row.id]);
      const expiresAt = new Date(now.getTime() + sessionTtlMs);
      const session = await insertToken(tx, now, { operatorId: row.id, name: 'session', role: row.role, expiresAt });
      await ctx.audit.append(
        {
          actor: `operator:${row.username}`,
          action: 'operator.login',
          target: `operator:${row.username}`,
          details: { source, tokenId: session.id },
        },
        tx,
      );
      return { token: session.token, expiresAt: expiresAt.toISOString(), role: row.role };
    });
  };
}
