import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { MIGRATIONS, migrate, openStore, type Migration, type Store } from './index.js';
import { POSTGRES_SKIPPED, TARGETS, TEST_DATABASE_URL, freshSchema } from './test-stores.js';

/** Fails if it runs twice: the table has no `if not exists`. */
const ONCE: Migration = { version: 9002, name: 'once', statements: ['create table only_once (a int)'] };

/** Starts queries and a transaction of several steps, then closes while they run. */
async function closeWhileBusy(store: Store): Promise<void> {
  const queries = [1, 2, 3, 4, 5].map((n) => store.query<{ n: number }>('select $1::int as n', [n]));
  const steps: number[] = [];
  const tx = store.transaction(async (t) => {
    for (let i = 0; i < 5; i++) {
      await t.query("insert into settings (key, value) values ($1, '1')", [`close.${i}`]);
      steps.push(i);
    }
    return steps.length;
  });
  const closed = store.close();
  await assert.rejects(store.query('select 1'), { code: 'FW_STORE_UNAVAILABLE' });
  const results = await Promise.all(queries);
  assert.deepEqual(
    results.map((r) => r.rows[0]?.n),
    [1, 2, 3, 4, 5],
  );
  assert.equal(await tx, 5);
  await closed;
  await assert.rejects(store.query('select 1'), { code: 'FW_STORE_UNAVAILABLE' });
}

describe('openStore', () => {
  it('answers FW_STORE_UNAVAILABLE when PostgreSQL cannot be reached', async () => {
    // Port 1 on the loopback: nothing listens, the connection is refused at once.
    await assert.rejects(openStore({ databaseUrl: 'postgresql://fleetward@127.0.0.1:1/fleetward' }), {
      code: 'FW_STORE_UNAVAILABLE',
    });
  });

  it('answers FW_STORE_UNAVAILABLE for a schema name that is not a plain identifier', async () => {
    await assert.rejects(openStore({ databaseUrl: 'postgresql://fleetward@127.0.0.1:1/x', schema: 'a; drop' }), {
      code: 'FW_STORE_UNAVAILABLE',
    });
  });

  it('opens an embedded store in memory when given neither a URL nor a data dir', async () => {
    const store = await openStore();
    assert.equal(store.kind, 'pglite');
    await store.close();
  });
});

for (const target of TARGETS) {
  describe(`close() on the ${target.kind} store`, () => {
    it('lets the queries and transactions in flight finish, then refuses new ones', async (t) => {
      if (target.skip) return t.skip(target.skip);
      const place = await target.place();
      try {
        await closeWhileBusy(await openStore(place.options));
        const reopened = await openStore(place.options);
        const r = await reopened.query("select count(*)::int as n from settings where key like 'close.%'");
        await reopened.close();
        assert.deepEqual(r.rows, [{ n: 5 }]);
      } finally {
        await place.remove();
      }
    });
  });
}

describe('migrations against one PostgreSQL from many servers', () => {
  it('run exactly once when five servers open the store at once (advisory lock)', async (t) => {
    if (!TEST_DATABASE_URL) return t.skip(POSTGRES_SKIPPED);
    const place = await freshSchema(TEST_DATABASE_URL);
    const stores: Store[] = [];
    try {
      stores.push(...(await Promise.all([1, 2, 3, 4, 5].map(() => openStore(place.options)))));
      const r = await stores[0]!.query<{ n: number }>('select count(*)::int as n from schema_migrations');
      assert.deepEqual(r.rows, [{ n: MIGRATIONS.length }]);
      const applied = await Promise.all(stores.map((s) => migrate(s, [...MIGRATIONS, ONCE])));
      assert.deepEqual(applied.flat(), [ONCE.version]);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
      await place.remove();
    }
  });

  it('refuses a schema that does not exist with FW_STORE_UNAVAILABLE', async (t) => {
    if (!TEST_DATABASE_URL) return t.skip(POSTGRES_SKIPPED);
    await assert.rejects(openStore({ databaseUrl: TEST_DATABASE_URL, schema: 'fw_test_no_such_schema' }), {
      code: 'FW_STORE_UNAVAILABLE',
    });
  });
});
