import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { FixedClock } from '../kernel/index.js';
import { openStore, type Store } from '../store/index.js';
import { canonicalJson, createAuditLog, GENESIS_HASH, verifyAuditLog, type StoredAuditLog } from './index.js';

interface Backend {
  readonly name: string;
  /** A fresh, migrated store and a function that throws it away. */
  open(): Promise<{ store: Store; drop: () => Promise<void> }>;
}

const pgliteBackend: Backend = {
  name: 'PGlite',
  async open() {
    const store = await openStore();
    return { store, drop: () => store.close() };
  },
};

/** A schema of its own per store, on the server named by FLEETWARD_TEST_DATABASE_URL. */
function postgresBackend(base: string): Backend {
  return {
    name: 'PostgreSQL',
    async open() {
      const schema = `fw_audit_test_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: base });
      await admin.connect();
      await admin.query(`create schema ${schema}`);
      const store = await openStore({ databaseUrl: base, schema, poolSize: 8 });
      return {
        store,
        async drop() {
          await store.close();
          await admin.query(`drop schema ${schema} cascade`);
          await admin.end();
        },
      };
    },
  };
}

const backends: Array<Backend | { name: string; skip: string }> = [
  pgliteBackend,
  process.env.FLEETWARD_TEST_DATABASE_URL
    ? postgresBackend(process.env.FLEETWARD_TEST_DATABASE_URL)
    : { name: 'PostgreSQL', skip: 'set FLEETWARD_TEST_DATABASE_URL to run the audit tests on PostgreSQL' },
];

describe('canonicalJson', () => {
  it('sorts keys at every depth and writes no whitespace', () => {
    assert.equal(
      canonicalJson({ b: 1, a: { d: [1, { z: 0, y: 'x' }], c: null } }),
      '{"a":{"c":null,"d":[1,{"y":"x","z":0}]},"b":1}',
    );
  });
});

for (const backend of backends) {
  describe(`audit log on ${backend.name}`, () => {
    if ('skip' in backend) {
      const reason = backend.skip;
      it('is skipped', (t) => t.skip(reason));
      return;
    }
    const live = backend;
    let store: Store;
    let drop: () => Promise<void>;
    let clock: FixedClock;
    let log: StoredAuditLog;

    async function fresh(): Promise<void> {
      if (drop) await drop();
      ({ store, drop } = await live.open());
      clock = new FixedClock('2026-03-01T10:00:00.000Z');
      log = createAuditLog(store, clock);
    }

    async function append100(): Promise<void> {
      for (let i = 1; i <= 100; i += 1) {
        clock.advance(1000);
        await log.append({
          actor: 'operator:alice',
          action: 'device.revoke',
          target: `device:d-${i}`,
          details: { i, why: 'test' },
        });
      }
    }

    before(fresh);
    after(async () => drop());

    it('verifies an empty log', async () => {
      assert.deepEqual(await verifyAuditLog(store), { ok: true, entries: 0 });
    });

    it('chains 100 entries from the genesis hash, seq without gaps, at from the clock', async () => {
      await append100();
      assert.deepEqual(await verifyAuditLog(store), { ok: true, entries: 100 });
      const page = await log.list({ limit: 10 });
      assert.equal(page.entries.length, 10);
      assert.equal(page.next, 10);
      assert.equal(page.entries[0]?.seq, 1);
      assert.equal(page.entries[0]?.prevHash, GENESIS_HASH);
      assert.equal(page.entries[0]?.at, '2026-03-01T10:00:01.000Z');
      assert.equal(page.entries[1]?.prevHash, page.entries[0]?.hash);
      assert.deepEqual(page.entries[0]?.details, { i: 1, why: 'test' });
      const last = await log.list({ after: 95, limit: 10 });
      assert.deepEqual(
        last.entries.map((e) => e.seq),
        [96, 97, 98, 99, 100],
      );
      assert.equal(last.next, undefined);
    });

    for (const [what, sql] of [
      ['details', `update audit_log set details = '{"i":42,"why":"tampered"}' where seq = 42`],
      ['actor', `update audit_log set actor = 'operator:mallory' where seq = 42`],
      ['at', `update audit_log set at = at + interval '1 millisecond' where seq = 42`],
    ] as const) {
      it(`fails verification at the edited row when its ${what} is changed with SQL`, async () => {
        await fresh();
        await append100();
        await store.query(sql);
        assert.deepEqual(await verifyAuditLog(store), {
          ok: false,
          entries: 41,
          firstBadSeq: 42,
          reason: 'hash-mismatch',
        });
      });
    }

    it('fails verification at a deleted middle row', async () => {
      await fresh();
      await append100();
      await store.query('delete from audit_log where seq = 50');
      assert.deepEqual(await verifyAuditLog(store), { ok: false, entries: 49, firstBadSeq: 50, reason: 'seq-gap' });
    });

    it('fails verification when a deleted row is papered over by renumbering', async () => {
      await fresh();
      await append100();
      await store.query('delete from audit_log where seq = 50');
      await store.query('update audit_log set seq = seq - 1 where seq > 50');
      const result = await verifyAuditLog(store);
      assert.equal(result.ok, false);
      assert.equal(result.firstBadSeq, 50);
    });

    it('fails verification when two rows are swapped', async () => {
      await fresh();
      await append100();
      await store.query('update audit_log set seq = -1 where seq = 10');
      await store.query('update audit_log set seq = 10 where seq = 11');
      await store.query('update audit_log set seq = 11 where seq = -1');
      const result = await verifyAuditLog(store);
      assert.equal(result.ok, false);
      assert.equal(result.firstBadSeq, 10);
    });

    it('fails verification through the head anchor when the tail is deleted', async () => {
      await fresh();
      await append100();
      await store.query('delete from audit_log where seq > 97');
      assert.deepEqual(await verifyAuditLog(store), {
        ok: false,
        entries: 97,
        firstBadSeq: 98,
        reason: 'head-mismatch',
      });
    });

    it('keeps the cut visible after the next append (it chains from the anchor)', async () => {
      await log.append({ actor: 'system', action: 'test.after-cut', target: 'system' });
      const result = await verifyAuditLog(store);
      assert.equal(result.ok, false);
      assert.equal(result.firstBadSeq, 98);
    });

    it('fails verification when the anchor is deleted', async () => {
      await fresh();
      await append100();
      await store.query(`delete from settings where key = 'audit.head'`);
      assert.deepEqual(await verifyAuditLog(store), {
        ok: false,
        entries: 100,
        firstBadSeq: 1,
        reason: 'head-missing',
      });
    });

    it('keeps one valid chain under 20 concurrent appends', async () => {
      await fresh();
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          log.append({ actor: `operator:o${i}`, action: 'test.concurrent', target: 'system' }),
        ),
      );
      assert.deepEqual(await verifyAuditLog(store), { ok: true, entries: 20 });
    });

    it('appends inside the caller transaction, and nothing when it rolls back', async () => {
      await fresh();
      await store.transaction(async (tx) => log.append({ actor: 'system', action: 'test.tx', target: 'system' }, tx));
      await assert.rejects(
        store.transaction(async (tx) => {
          await log.append({ actor: 'system', action: 'test.rollback', target: 'system' }, tx);
          throw new Error('roll back');
        }),
      );
      assert.deepEqual(await verifyAuditLog(store), { ok: true, entries: 1 });
      assert.equal((await log.list()).entries[0]?.action, 'test.tx');
    });

    it('refuses an entry with an empty actor', async () => {
      await assert.rejects(log.append({ actor: '', action: 'x', target: 'y' }), { code: 'FW_AUDIT_ENTRY_INVALID' });
    });
  });
}
