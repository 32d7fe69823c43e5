import { closeGracefully } from './graceful.js';
import { migrate } from './migrate.js';
import { openPGliteStore } from './pglite.js';
import { openPostgresStore } from './postgres.js';
import type { Store, StoreOptions } from './types.js';

export type { QueryResult, Sql, Store, StoreKind, StoreOptions } from './types.js';
export type { Migration } from './migrations/index.js';
export { MIGRATIONS } from './migrations/index.js';
export { migrate } from './migrate.js';

/** Opens the store (PostgreSQL when a URL is given, else embedded) and brings its schema up to date. */
export async function openStore(options: StoreOptions = {}): Promise<Store> {
  const store = closeGracefully(
    options.databaseUrl
      ? await openPostgresStore({
          databaseUrl: options.databaseUrl,
          poolSize: options.poolSize,
          schema: options.schema,
        })
      : await openPGliteStore({ dataDir: options.dataDir, durableCommits: options.durableCommits }),
  );
  try {
    await migrate(store);
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
  return store;
}
