import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Principal } from '../api/index.js';
import { FixedClock, FleetEvents, silentLogger, type AuditEntry, type Context } from '../kernel/index.js';
import { openStore, type Store } from '../store/index.js';
import { createOperators, type Operators } from './index.js';

/** Records audit entries instead of chaining them. */
function fakeAudit() {
  const entries: AuditEntry[] = [];
  return { entries, append: async (entry: AuditEntry) => void entries.push(entry) };
}

const GOOD = 'violet-harbor-47-lantern';

describe('operators', () => {
  let store: Store;
  let clock: FixedClock;
  let audit: ReturnType<typeof fakeAudit>;
  let ops: Operators;
  let admin: Principal;
  let bootstrap: { username: string; password: string; token: string };

  before(async () => {
    store = await openStore();
    clock = new FixedClock('2026-02-01T08:00:00.000Z');
    audit = fakeAudit();
    const ctx: Context = { store, clock, events: new FleetEvents(), log: silentLogger, audit };
    ops = createOperators(ctx);
  });
  after(async () => store.close());

  describe('bootstrapAdmin', () => {
    it('creates admin with a random password of at least 20 characters and an admin token, once', async () => {
      const first = await ops.bootstrapAdmin();
      assert.ok(first);
      bootstrap = first;
      assert.equal(first.username, 'admin');
      assert.ok(first.password.length >= 20);
      assert.match(first.token, /^fwt_[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{43}$/);
      assert.equal(await ops.bootstrapAdmin(), undefined);
      const who = await ops.authenticateToken(first.token);
      assert.ok(who);
      assert.equal(who.role, 'admin');
      assert.equal(who.username, 'admin');
      admin = who;
    });

    it('stores the password and the token only hashed, and audits without them', async () => {
      const dump = JSON.stringify([
        (await store.query('select * from operators')).rows,
        (await store.query('select * from api_tokens')).rows,
        audit.entries,
      ]);
      assert.ok(!dump.includes(bootstrap.password));
      assert.ok(!dump.includes(bootstrap.token.split('.')[1] as string));
      assert.deepEqual(
        audit.entries.map((e) => e.action),
        ['operator.create', 'token.create'],
      );
    });
  });

  describe('login', () => {
    before(async () => {
      await ops.createOperator(admin, { username: 'Alice', password: GOOD, role: 'operator' });
    });

    it('answers a 12 h session token of the operator role, username compared case-insensitively', async () => {
      const session = await ops.login({ username: 'ALICE', password: GOOD, source: '192.0.2.1' });
      assert.equal(session.role, 'operator');
      assert.equal(session.expiresAt, '2026-02-01T20:00:00.000Z');
      const who = await ops.authenticateToken(session.token);
      assert.equal(who?.username, 'alice');
      assert.equal(who?.role, 'operator');
      assert.equal(audit.entries.at(-1)?.action, 'operator.login');
      assert.ok(!JSON.stringify(audit.entries).includes(GOOD));
    });

    it('answers FW_LOGIN_FAILED alike for an unknown user and a wrong password', async () => {
      await assert.rejects(ops.login({ username: 'alice', password: 'wrong-password-1', source: '192.0.2.2' }), {
        code: 'FW_LOGIN_FAILED',
      });
      await assert.rejects(ops.login({ username: 'mallory', password: GOOD, source: '192.0.2.2' }), {
        code: 'FW_LOGIN_FAILED',
      });
      await assert.rejects(ops.login({ username: '', password: GOOD, source: '192.0.2.2' }), {
        code: 'FW_LOGIN_FAILED',
      });
      assert.equal(audit.entries.at(-1)?.action, 'operator.login.failed');
      // the failure before resets on the next success
      await ops.login({ username: 'alice', password: GOOD, source: '192.0.2.2' });
    });

    it('locks the account for 15 minutes after 5 failures, even for the right password, then unlocks', async () => {
      for (let i = 0; i < 5; i += 1) {
        await assert.rejects(ops.login({ username: 'alice', password: `wrong-${i}`, source: '192.0.2.3' }), {
          code: 'FW_LOGIN_FAILED',
        });
      }
      await assert.rejects(ops.login({ username: 'alice', password: GOOD, source: '192.0.2.4' }), {
        code: 'FW_LOGIN_LOCKED',
        retryAfter: 900,
      });
      assert.ok(audit.entries.some((e) => e.action === 'operator.lockout'));
      clock.advance(14 * 60_000);
      await assert.rejects(ops.login({ username: 'alice', password: GOOD, source: '192.0.2.4' }), {
        code: 'FW_LOGIN_LOCKED',
        retryAfter: 60,
      });
      clock.advance(60_000);
      const session = await ops.login({ username: 'alice', password: GOOD, source: '192.0.2.4' });
      assert.equal(session.role, 'operator');
    });

    it('doubles the lock for the next 5 failures in a row', async () => {
      for (let i = 0; i < 5; i += 1) {
        await assert.rejects(ops.login({ username: 'alice', password: 'nope', source: '192.0.2.5' }));
      }
      clock.advance(15 * 60_000);
      for (let i = 0; i < 5; i += 1) {
        await assert.rejects(ops.login({ username: 'alice', password: 'nope', source: '192.0.2.6' }));
      }
      await assert.rejects(ops.login({ username: 'alice', password: GOOD, source: '192.0.2.7' }), {
        code: 'FW_LOGIN_LOCKED',
        retryAfter: 1800,
      });
      clock.advance(30 * 60_000);
      await ops.login({ username: 'alice', password: GOOD, source: '192.0.2.7' });
    });

    it('locks an unknown username exactly like a real one', async () => {
      for (let i = 0; i < 5; i += 1) {
        await assert.rejects(ops.login({ username: 'ghost', password: 'nope', source: '192.0.2.8' }), {
          code: 'FW_LOGIN_FAILED',
        });
      }
      await assert.rejects(ops.login({ username: 'ghost', password: 'nope', source: '192.0.2.9' }), {
        code: 'FW_LOGIN_LOCKED',
        retryAfter: 900,
      });
    });

    it('locks a source address after 20 failures over any usernames', async () => {
      for (let i = 0; i < 20; i += 1) {
        await assert.rejects(ops.login({ username: `spray${i}`, password: 'nope', source: '198.51.100.7' }), {
          code: 'FW_LOGIN_FAILED',
        });
      }
      await assert.rejects(ops.login({ username: 'alice', password: GOOD, source: '198.51.100.7' }), {
        code: 'FW_LOGIN_LOCKED',
      });
      await ops.login({ username: 'alice', password: GOOD, source: '198.51.100.8' });
    });

    /** Runs the attempts at once; answers the outcome of each: 'ok' or the error code. */
    async function concurrently(attempts: Array<{ username: string; password: string; source: string }>) {
      const settled = await Promise.allSettled(attempts.map((a) => ops.login(a)));
      return settled.map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as { code: string }).code));
    }
    const tally = (outcomes: string[]) =>
      outcomes.reduce<Record<string, number>>((t, o) => ({ ...t, [o]: (t[o] ?? 0) + 1 }), {});

    it('refuses all but the allowed number of concurrent attempts on one account, even when one of them has the right password', async () => {
      await ops.createOperator(admin, { username: 'frank', password: GOOD, role: 'operator' });
      const before = audit.entries.length;
      // 30 at once, from 30 addresses (so only the account limit applies), the right password last
      const outcomes = await concurrently(
        Array.from({ length: 30 }, (_, i) => ({
          username: 'frank',
          password: i === 29 ? GOOD : `wrong-guess-${i}`,
          source: `203.0.113.${i + 1}`,
        })),
      );
      // 5 tries per account: 5 passwords checked (all wrong), the 25 others refused unchecked
      assert.deepEqual(tally(outcomes), { FW_LOGIN_FAILED: 5, FW_LOGIN_LOCKED: 25 });
      const row = (
        await store.query<{ failed_logins: number; locked_until: Date }>(
          "select failed_logins, locked_until from operators where username = 'frank'",
        )
      ).rows[0];
      assert.equal(row?.failed_logins, 5);
      assert.equal(row?.locked_until.toISOString(), new Date(clock.now().getTime() + 15 * 60_000).toISOString());
      await assert.rejects(ops.login({ username: 'frank', password: GOOD, source: '203.0.113.100' }), {
        code: 'FW_LOGIN_LOCKED',
        retryAfter: 900,
      });
      const added = audit.entries.slice(before);
      assert.equal(added.filter((e) => e.action === 'operator.lockout').length, 1);
      assert.equal(added.filter((e) => e.action === 'operator.login').length, 0);
      // 5 real failures, and the first refusal of the lock period
      assert.deepEqual(
        added
          .filter((e) => e.action === 'operator.login.failed')
          .map((e) => (e.details as { reason: string }).reason)
          .sort(),
        ['account-locked', 'bad-password', 'bad-password', 'bad-password', 'bad-password', 'bad-password'],
      );
    });

    it('lets the right password through when it is one of the allowed concurrent attempts, and resets the count', async () => {
      await ops.createOperator(admin, { username: 'grace', password: GOOD, role: 'operator' });
      const outcomes = await concurrently(
        Array.from({ length: 5 }, (_, i) => ({
          username: 'grace',
          password: i === 2 ? GOOD : `wrong-guess-${i}`,
          source: `203.0.113.${i + 101}`,
        })),
      );
      assert.deepEqual(tally(outcomes), { FW_LOGIN_FAILED: 4, ok: 1 });
      const session = await ops.login({ username: 'grace', password: GOOD, source: '203.0.113.110' });
      assert.equal(session.role, 'operator');
    });

    it('counts attempts in flight against the 20 per address', async () => {
      const outcomes = await concurrently(
        Array.from({ length: 30 }, (_, i) => ({ username: `burst${i}`, password: 'nope', source: '198.51.100.20' })),
      );
      assert.deepEqual(tally(outcomes), { FW_LOGIN_FAILED: 20, FW_LOGIN_LOCKED: 10 });
      await assert.rejects(ops.login({ username: 'alice', password: GOOD, source: '198.51.100.20' }), {
        code: 'FW_LOGIN_LOCKED',
        retryAfter: 900,
      });
    });

    it('gives back the count of a successful login on its address', async () => {
      for (let i = 0; i < 19; i += 1) {
        await assert.rejects(ops.login({ username: `office${i}`, password: 'nope', source: '198.51.100.30' }), {
          code: 'FW_LOGIN_FAILED',
        });
      }
      await concurrently(
        Array.from({ length: 3 }, () => ({ username: 'alice', password: GOOD, source: '198.51.100.30' })),
      );
      await assert.rejects(ops.login({ username: 'office19', password: 'nope', source: '198.51.100.30' }), {
        code: 'FW_LOGIN_FAILED',
      });
      await assert.rejects(ops.login({ username: 'alice', password: GOOD, source: '198.51.100.30' }), {
        code: 'FW_LOGIN_LOCKED',
      });
    });

    it('appends one audit entry per lock period, not one per refused request while locked', async () => {
      const refusals = (from: number, reason: string) =>
        audit.entries
          .slice(from)
          .filter((e) => e.action === 'operator.login.failed' && (e.details as { reason: string }).reason === reason)
          .length;
      await ops.createOperator(admin, { username: 'heidi', password: GOOD, role: 'operator' });
      for (let i = 0; i < 5; i += 1) {
        await assert.rejects(ops.login({ username: 'heidi', password: 'nope', source: '192.0.2.50' }));
      }
      let start = audit.entries.length;
      assert.deepEqual(
        tally(
          await concurrently(
            Array.from({ length: 100 }, (_, i) => ({ username: 'heidi', password: GOOD, source: `192.0.2.${i + 51}` })),
          ),
        ),
        { FW_LOGIN_LOCKED: 100 },
      );
      for (let i = 0; i < 50; i += 1) {
        await assert.rejects(ops.login({ username: 'HEIDI', password: 'nope', source: '192.0.2.50' }), {
          code: 'FW_LOGIN_LOCKED',
        });
      }
      assert.equal(audit.entries.length - start, 1);
      assert.equal(refusals(start, 'account-locked'), 1);

      // the next lock period (30 minutes) is audited again: the lock, and its first refusal
      clock.advance(15 * 60_000);
      for (let i = 0; i < 5; i += 1) {
        await assert.rejects(ops.login({ username: 'heidi', password: 'nope', source: '192.0.2.50' }), {
          code: 'FW_LOGIN_FAILED',
        });
      }
      start = audit.entries.length;
      for (let i = 0; i < 50; i += 1) {
        await assert.rejects(ops.login({ username: 'heidi', password: GOOD, source: '192.0.2.49' }), {
          code: 'FW_LOGIN_LOCKED',
          retryAfter: 1800,
        });
      }
      assert.equal(audit.entries.length - start, 1);

      // a locked address alike, whatever the usernames
      for (let i = 0; i < 20; i += 1) {
        await assert.rejects(ops.login({ username: `sweep${i}`, password: 'nope', source: '198.51.100.40' }));
      }
      start = audit.entries.length;
      for (let i = 0; i < 50; i += 1) {
        await assert.rejects(ops.login({ username: `sweep${i + 20}`, password: 'nope', source: '198.51.100.40' }), {
          code: 'FW_LOGIN_LOCKED',
        });
      }
      assert.equal(audit.entries.length - start, 1);
      assert.equal(refusals(start, 'address-locked'), 1);
    });
  });

  describe('API tokens', () => {
    let operator: Principal;
    before(async () => {
      const session = await ops.login({ username: 'alice', password: GOOD, source: '192.0.2.20' });
      const who = await ops.authenticateToken(session.token);
      assert.ok(who);
      operator = who;
    });

    it('creates a token that authenticates with its role, until revoked', async () => {
      const t = await ops.createToken(admin, { name: 'ci', role: 'viewer' });
      assert.equal((await ops.authenticateToken(t.token))?.role, 'viewer');
      assert.equal((await ops.listTokens()).find((x) => x.id === t.id)?.name, 'ci');
      await ops.revokeToken(admin, t.id);
      assert.equal(await ops.authenticateToken(t.token), undefined);
      assert.deepEqual(
        audit.entries.slice(-2).map((e) => [e.action, e.target]),
        [
          ['token.create', `token:${t.id}`],
          ['token.revoke', `token:${t.id}`],
        ],
      );
    });

    it('refuses a token after its expiry on the clock', async () => {
      const t = await ops.createToken(admin, {
        name: 'short',
        role: 'operator',
        expiresAt: new Date(clock.now().getTime() + 3600_000),
      });
      assert.equal((await ops.authenticateToken(t.token))?.role, 'operator');
      clock.advance(3600_000);
      assert.equal(await ops.authenticateToken(t.token), undefined);
    });

    it('refuses an expiry in the past', async () => {
      await assert.rejects(ops.createToken(admin, { name: 'old', role: 'viewer', expiresAt: new Date(0) }), {
        code: 'FW_TOKEN_EXPIRY_INVALID',
      });
    });

    it('refuses a token role above the creator role', async () => {
      await assert.rejects(ops.createToken(operator, { name: 'escalate', role: 'admin' }), {
        code: 'FW_TOKEN_ROLE_EXCEEDS',
      });
      const mine = await ops.createToken(operator, { name: 'mine', role: 'viewer' });
      assert.equal((await ops.authenticateToken(mine.token))?.username, 'alice');
    });

    it('refuses malformed tokens and a right id with a wrong secret', async () => {
      const t = await ops.createToken(admin, { name: 'x', role: 'viewer' });
      for (const bad of [
        '',
        'fwt_',
        t.token.slice(0, -1),
        `${t.token.split('.')[0]}.${'A'.repeat(43)}`,
        `${t.token}A`,
      ]) {
        assert.equal(await ops.authenticateToken(bad), undefined, bad);
      }
    });

    it('answers FW_TOKEN_NOT_FOUND when revoking an unknown token', async () => {
      await assert.rejects(ops.revokeToken(admin, 'AAAAAAAAAAAAAAAA'), { code: 'FW_TOKEN_NOT_FOUND' });
    });
  });

  describe('accounts', () => {
    it('refuses a bad password or username, and a duplicate username', async () => {
      await assert.rejects(ops.createOperator(admin, { username: 'bob', password: 'admin1234567', role: 'viewer' }), {
        code: 'FW_PASSWORD_KNOWN_BAD',
      });
      await assert.rejects(ops.createOperator(admin, { username: 'bob', password: 'bobbobbob2024', role: 'viewer' }), {
        code: 'FW_PASSWORD_KNOWN_BAD',
      });
      await assert.rejects(ops.createOperator(admin, { username: 'b o b', password: GOOD, role: 'viewer' }), {
        code: 'FW_USERNAME_INVALID',
      });
      await assert.rejects(ops.createOperator(admin, { username: 'ALICE', password: GOOD, role: 'viewer' }), {
        code: 'FW_OPERATOR_EXISTS',
      });
    });

    it('lets an operator change its own password with the current one, ending its other sessions', async () => {
      const bob = await ops.createOperator(admin, { username: 'bob', password: GOOD, role: 'viewer' });
      const s1 = await ops.login({ username: 'bob', password: GOOD, source: '192.0.2.30' });
      const s2 = await ops.login({ username: 'bob', password: GOOD, source: '192.0.2.30' });
      const me = await ops.authenticateToken(s1.token);
      assert.ok(me);
      await assert.rejects(ops.changePassword(me, bob.id, 'quiet-meadow-88-copper'), {
        code: 'FW_PASSWORD_CURRENT_INVALID',
      });
      await assert.rejects(ops.changePassword(me, bob.id, 'quiet-meadow-88-copper', 'wrong'), {
        code: 'FW_PASSWORD_CURRENT_INVALID',
      });
      await ops.changePassword(me, bob.id, 'quiet-meadow-88-copper', GOOD);
      assert.ok(await ops.authenticateToken(s1.token));
      assert.equal(await ops.authenticateToken(s2.token), undefined);
      await assert.rejects(ops.login({ username: 'bob', password: GOOD, source: '192.0.2.30' }), {
        code: 'FW_LOGIN_FAILED',
      });
      await ops.login({ username: 'bob', password: 'quiet-meadow-88-copper', source: '192.0.2.30' });
      // not admin, not self: as if the account did not exist
      const alice = (await ops.listOperators()).find((o) => o.username === 'alice');
      assert.ok(alice);
      await assert.rejects(ops.changePassword(me, alice.id, 'quiet-meadow-88-copper'), {
        code: 'FW_OPERATOR_NOT_FOUND',
      });
      assert.equal(audit.entries.filter((e) => e.action === 'operator.password').length, 1);
    });

    it('deletes an operator and its tokens, but never itself or the last admin', async () => {
      const carol = await ops.createOperator(admin, { username: 'carol', password: GOOD, role: 'admin' });
      const session = await ops.login({ username: 'carol', password: GOOD, source: '192.0.2.40' });
      const carolPrincipal = await ops.authenticateToken(session.token);
      assert.ok(carolPrincipal);
      await assert.rejects(ops.deleteOperator(admin, admin.operatorId), { code: 'FW_OPERATOR_LAST_ADMIN' });
      await ops.deleteOperator(carolPrincipal, admin.operatorId);
      assert.equal(await ops.authenticateToken(bootstrap.token), undefined);
      await assert.rejects(ops.deleteOperator(carolPrincipal, carol.id), { code: 'FW_OPERATOR_LAST_ADMIN' });
      await assert.rejects(ops.deleteOperator(carolPrincipal, 'op_AAAAAAAAAAAAAAAA'), {
        code: 'FW_OPERATOR_NOT_FOUND',
      });
      assert.equal(audit.entries.at(-1)?.action, 'operator.delete');
    });
  });
});
