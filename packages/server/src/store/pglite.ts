import { PGlite, type PGliteOptions, type Transaction } from '@electric-sql/pglite';
import { serverError } from '../errors.js';
import { lockDataDir } from './dir-lock.js';
import { durableOptions, isFreshDataDir, syncTree } from './durable-fs.js';
import type { QueryResult, Sql, Store } from './types.js';

// The values both stores return (see Sql in types.ts): PGlite's own parsers give bigint for
// int8, numbers for int8[] (lossy), Uint8Array for bytea and a UTC Date for date; pg gives
// strings and Buffers. Parsers by type OID; PGlite applies them to array elements too.
const PARSERS: NonNullable<PGliteOptions['parsers']> = {
  20: (text: string) => text, // int8
  17: (text: string) => Buffer.from(text.slice(2), 'hex'), // bytea, text format '\x…'
  1082: (text: string) => text, // date
};

function wrap(db: PGlite | Transaction): Sql {
  return {
    async query<T extends object>(text: string, params: readonly unknown[] = []): Promise<QueryResult<T>> {
      const r = await db.query<T>(text, params as unknown[]);
      return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
    },
  };
}

/** How the embedded store opens: in memory, or in a data directory (durable commits or not). */
export interface PGliteStoreOptions {
  readonly dataDir?: string | undefined;
  readonly durableCommits?: boolean | undefined;
}

function pgliteOptions(options: PGliteStoreOptions): PGliteOptions {
  const { dataDir, durableCommits = true } = options;
  if (!dataDir) return { parsers: PARSERS };
  if (!durableCommits) return { dataDir, parsers: PARSERS };
  return { ...durableOptions(dataDir), parsers: PARSERS };
}

/**
 * The embedded store: PostgreSQL compiled to WASM, in the data directory (or in memory).
 * One connection; PGlite queues queries and transactions itself.
 */
export async function openPGliteStore(options: PGliteStoreOptions = {}): Promise<Store> {
  const { dataDir, durableCommits = true } = options;
  let db: PGlite;
  const release = dataDir ? lockDataDir(dataDir) : () => undefined;
  try {
    const fresh = dataDir !== undefined && isFreshDataDir(dataDir);
    db = new PGlite(pgliteOptions(options));
    await db.waitReady;
    if (fresh && durableCommits) syncTree(dataDir);
  } catch (cause) {
    release();
    throw serverError('FW_STORE_UNAVAILABLE', `cannot open the embedded store${dataDir ? ` in ${dataDir}` : ''}`, {
      cause,
    });
  }
  const sql = wrap(db);
  return {
    kind: 'pglite',
    query: sql.query,
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    exec: async (text) => {
      await db.exec(text);
    },
    close: async () => {
      try {
        await db.close();
      } finally {
        release();
      }
    },
  };
}
