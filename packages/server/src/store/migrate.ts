import { serverError } from '../errors.js';
import { MIGRATIONS, type Migration } from './migrations/index.js';
import type { Sql, Store } from './types.js';

/** Held until the transaction ends. PGlite has one connection: nothing to wait for. */
async function lock(store: Store, tx: Sql): Promise<void> {
  if (store.kind === 'postgres') await tx.query('select pg_advisory_xact_lock(7262001)');
}

/** Applies the migrations the database lacks, in order, each in its own transaction. */
export async function migrate(store: Store, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  // Many servers may start at once against one PostgreSQL: one migrates, the others wait. The lock
  // is taken before the bookkeeping table is created too (two concurrent `create table if not
  // exists` can both try to create it, and one then fails on a unique index of the catalogue).
  await store.transaction(async (tx) => {
    await lock(store, tx);
    await tx.query(`create table if not exists schema_migrations (
      version integer primary key,
      name text not null,
      applied_at timestamptz not null default now()
    )`);
  });
  const applied: number[] = [];
  for (const m of migrations) {
    const done = await store.transaction(async (tx) => {
      await lock(store, tx);
      const seen = await tx.query('select 1 from schema_migrations where version = $1', [m.version]);
      if (seen.rows.length > 0) return false;
      try {
        for (const statement of m.statements) await tx.query(statement);
      } catch (cause) {
        throw serverError('FW_STORE_MIGRATION_FAILED', `migration ${m.version} ${m.name} failed`, { cause });
      }
      await tx.query('insert into schema_migrations (version, name) values ($1, $2)', [m.version, m.name]);
      return true;
    });
    if (done) applied.push(m.version);
  }
  const newest = await store.query<{ v: number | null }>('select max(version)::int as v from schema_migrations');
  const known = migrations.at(-1)?.version ?? 0;
  if ((newest.rows[0]?.v ?? 0) > known) {
    throw serverError('FW_STORE_SCHEMA_TOO_NEW', `database schema ${newest.rows[0]?.v} is newer than ${known}`);
  }
  return applied;
}
