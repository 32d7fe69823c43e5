import type { Role } from '../api/index.js';
import type { Context } from '../kernel/index.js';
import { randomSecret } from '../kernel/index.js';
import { hashPassword, verifyPassword } from '../secrets/index.js';
import { findOperator, normalizeUsername, type OperatorRow } from './accounts.js';
import { operatorError } from './errors.js';
import { ACCOUNT_LOCKOUT, ADDRESS_LOCKOUT, FailureCounter, LockPeriods, lockFor } from './lockout.js';
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

/** An account's attempt counted before its password is checked, or the lock that refuses it. */
type AccountAttempt =
  { readonly ok: true; readonly lockedUntil: Date | undefined } | { readonly ok: false; readonly lockedUntil: Date };

/**
 * Password login (OWASP ASVS V2.2.1: anti-automation). One answer, FW_LOGIN_FAILED, for an
 * unknown user and a wrong password, after the same work: a dummy hash is checked when the
 * user does not exist. Failures lock the account (in the database, shared by every server)
 * and the source address; unknown usernames lock like real ones, so a lock says nothing
 * about whether an account exists.
 *
 * Each attempt is counted before its password is checked (ASVS V2.2.1), atomically with the
 * check of the lock, so attempts in flight count against the limits: concurrent requests get
 * at most the allowed number of password checks, the others are refused with FW_LOGIN_LOCKED.
 * A success resets the account's count (it was itself one of the allowed attempts) and gives
 * back its count on the address. Refusals while locked are audited once per lock period.
 */
export function createLogin(ctx: Context, sessionTtlMs: number): Login {
  const byAddress = new FailureCounter(ctx.clock, ADDRESS_LOCKOUT);
  const byUnknownName = new FailureCounter(ctx.clock, ACCOUNT_LOCKOUT);
  const refusalsAudited = new LockPeriods();
  let dummy: Promise<string> | undefined;

  /**
   * Counts an attempt on the account, unless it is locked; the attempt that reaches the
   * threshold starts the lock at once, so the ones after it are refused while it is checked.
   * undefined when the account is gone.
   */
  async function reserveAccount(id: string, now: Date): Promise<AccountAttempt | undefined> {
    return ctx.store.transaction(async (tx) => {
      const r = await tx.query<{ failed_logins: number; locked_until: Date | string | null }>(
        'select failed_logins, locked_until from operators where id = $1 for update',
        [id],
      );
      const row = r.rows[0];
      if (!row) return undefined;
      if (row.locked_until !== null && new Date(row.locked_until) > now) {
        return { ok: false, lockedUntil: new Date(row.locked_until) };
      }
      const count = row.failed_logins + 1;
      const lockMs = lockFor(ACCOUNT_LOCKOUT, count);
      const until = lockMs > 0 ? new Date(now.getTime() + lockMs) : undefined;
      await tx.query(
        'update operators set failed_logins = $2, locked_until = coalesce($3, locked_until) where id = $1',
        [id, count, until ?? null],
      );
      return { ok: true, lockedUntil: until };
    });
  }

  async function failed(name: string, source: string, reason: string, lockedUntil: Date | undefined): Promise<void> {
    const target = `operator:${name}`;
    if (lockedUntil) {
      await ctx.audit.append({
        actor: 'system',
        action: 'operator.lockout',
        target,
        details: { until: lockedUntil.toISOString() },
      });
    }
    await ctx.audit.append({
      actor: 'anonymous',
      action: 'operator.login.failed',
      target,
      details: { source, reason },
    });
  }

  /** Refuses a locked account or address; only the first refusal of a lock period is audited. */
  async function refuseLocked(
    key: string,
    lockedUntil: number,
    name: string,
    source: string,
    reason: string,
  ): Promise<never> {
    const wait = Math.max(1, Math.ceil((lockedUntil - ctx.clock.now().getTime()) / 1000));
    if (refusalsAudited.first(key, lockedUntil)) {
      await ctx.audit.append({
        actor: 'anonymous',
        action: 'operator.login.failed',
        target: `operator:${name}`,
        details: { source, reason },
      });
    }
    throw lockedError(wait);
  }

  /**
   * Counts the attempt on the account, or on the name when no account has it; answers the
   * lock that refuses it (ms since the epoch), or the account to check and the lock it started.
   */
  async function reserveName(
    name: string,
    now: Date,
  ): Promise<{ readonly refusedUntil: number } | { readonly row?: OperatorRow; readonly startedLock?: Date }> {
    const row = name === '(invalid)' ? undefined : await findOperator(ctx.store, { username: name });
    const account = row && (await reserveAccount(row.id, now));
    if (row && account) {
      return account.ok ? { row, startedLock: account.lockedUntil } : { refusedUntil: account.lockedUntil.getTime() };
    }
    const unknown = byUnknownName.reserve(name);
    return unknown.ok ? {} : { refusedUntil: unknown.lockedUntil };
  }

  return async function login({ username, password, source }) {
    const name = tryUsername(username) ?? '(invalid)';
    const address = byAddress.reserve(source);
    if (!address.ok) return refuseLocked(`address:${source}`, address.lockedUntil, name, source, 'address-locked');
    const now = ctx.clock.now();
    const attempt = await reserveName(name, now);
    if ('refusedUntil' in attempt) {
      byAddress.release(address.reservation); // refused unchecked: not an attempt from this address
      return refuseLocked(`account:${name}`, attempt.refusedUntil, name, source, 'account-locked');
    }
    const { row, startedLock } = attempt;
    dummy ??= hashPassword(randomSecret());
    const ok = await verifyPassword(password, row?.password_hash ?? (await dummy));
    if (!row || !ok) {
      await failed(name, source, row ? 'bad-password' : 'unknown-user', startedLock);
      throw operatorError('FW_LOGIN_FAILED', 'unknown username or wrong password');
    }
    byAddress.release(address.reservation);
    return ctx.store.transaction(async (tx) => {
      // this success was one of the allowed attempts (it was counted before the check)
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
