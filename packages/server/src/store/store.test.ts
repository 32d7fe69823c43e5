import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { MIGRATIONS, migrate, openStore, type Migration, type Store } from './index.js';
import { TARGETS, type TestPlace } from './test-stores.js';

/** A migration that creates a table, then fails: nothing of it may remain. */
const BROKEN: Migration = {
  version: 9001,
  name: 'broken',
  statements: ['create table half_done (a int)', 'insert into no_such_table values (1)'],
};

for (const target of TARGETS) {
  describe(`the ${target.kind} store`, () => {
    if (target.skip) {
      it('runs against PostgreSQL', (t) => t.skip(target.skip));
      return;
    }
    let place: TestPlace;
    let store: Store;
    before(async () => {
      place = await target.place();
      store = await openStore(place.options);
    });
    after(async () => {
      await store.close();
      await place.remove();
    });

    describe('migrations', () => {
      it('applies each migration once and records it', async () => {
        const r = await store.query<{ version: number }>('select version from schema_migrations order by version');
        assert.deepEqual(
          r.rows.map((row) => row.version),
          MIGRATIONS.map((m) => m.version),
        );
      });

      it('applies nothing when run again, and nothing when the store is opened again', async () => {
        assert.deepEqual(await migrate(store), []);
        await store.query("insert into settings (key, value) values ('kept', '1')");
        await store.close();
        store = await openStore(place.options);
        const r = await store.query<{ n: string }>('select count(*) as n from schema_migrations');
        assert.equal(r.rows[0]?.n, String(MIGRATIONS.length));
        assert.equal((await store.query("select 1 from settings where key = 'kept'")).rows.length, 1);
      });

      it('rolls a failing migration back entirely and answers FW_STORE_MIGRATION_FAILED', async () => {
        await assert.rejects(migrate(store, [...MIGRATIONS, BROKEN]), { code: 'FW_STORE_MIGRATION_FAILED' });
        const table = await store.query("select to_regclass('half_done') as t");
        assert.equal(table.rows[0]?.t, null);
        const seen = await store.query('select 1 from schema_migrations where version = $1', [BROKEN.version]);
        assert.equal(seen.rows.length, 0);
      });

      it('refuses with FW_STORE_SCHEMA_TOO_NEW a database migrated by a newer server', async () => {
        await store.query("insert into schema_migrations (version, name) values (9999, 'from the future')");
        await assert.rejects(migrate(store), { code: 'FW_STORE_SCHEMA_TOO_NEW' });
        await store.query('delete from schema_migrations where version = 9999');
      });

      it('refuses to open a database migrated by a newer server (FW_STORE_SCHEMA_TOO_NEW)', async () => {
        const newer = await target.place();
        try {
          const first = await openStore(newer.options);
          await first.query("insert into schema_migrations (version, name) values (9999, 'from the future')");
          await first.close();
          await assert.rejects(openStore(newer.options), { code: 'FW_STORE_SCHEMA_TOO_NEW' });
        } finally {
          await newer.remove();
        }
      });
    });

    describe('transaction', () => {
      it('commits when the function resolves', async () => {
        const n = await store.transaction(async (tx) => {
          await tx.query("insert into settings (key, value) values ('tx.commit', '1')");
          return (await tx.query("select 1 from settings where key = 'tx.commit'")).rows.length;
        });
        assert.equal(n, 1);
        assert.equal((await store.query("select 1 from settings where key = 'tx.commit'")).rows.length, 1);
      });

      it('rolls back when the function throws, and rethrows its error', async () => {
        const boom = new Error('boom');
        await assert.rejects(
          store.transaction(async (tx) => {
            await tx.query("insert into settings (key, value) values ('tx.rollback', '1')");
            throw boom;
          }),
          (err: unknown) => err === boom,
        );
        assert.equal((await store.query("select 1 from settings where key = 'tx.rollback'")).rows.length, 0);
      });

      it('rolls back when a statement fails', async () => {
        await assert.rejects(
          store.transaction(async (tx) => {
            await tx.query("insert into settings (key, value) values ('tx.bad', '1')");
            await tx.query("insert into settings (key, value) values ('tx.bad', '2')");
          }),
        );
        assert.equal((await store.query("select 1 from settings where key = 'tx.bad'")).rows.length, 0);
      });

      it('counts the rows a statement changed', async () => {
        await store.query("insert into settings (key, value) values ('rc.1', '1'), ('rc.2', '2')");
        const r = await store.query("update settings set value = '3' where key like 'rc.%'");
        assert.equal(r.rowCount, 2);
      });
    });
  });
}
