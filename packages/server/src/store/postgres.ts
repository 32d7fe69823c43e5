import pg from 'pg';
import { serverError } from '../errors.js';
import type { QueryResult, Sql, Store } from './types.js';

// The values both stores return (see Sql in types.ts). pg already gives strings for int8 and
// numeric and Buffers for bytea; its date parser makes a local-time Date, which depends on the
// server's time zone, so date stays the 'YYYY-MM-DD' text here and in PGlite.
const DATE = 1082;
const DATE_ARRAY = 1182;
const TEXT_ARRAY = 1009;
const builtin = pg.types.getTypeParser as (oid: number, format?: 'text' | 'binary') => (value: string) => unknown;
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === DATE) return (text: string) => text;
    if (oid === DATE_ARRAY) return builtin(TEXT_ARRAY, 'text');
    return builtin(oid, format);
  },
} as pg.CustomTypesConfig;

function wrap(client: pg.Pool | pg.PoolClient): Sql {
  return {
    async query<T extends object>(text: string, params: readonly unknown[] = []): Promise<QueryResult<T>> {
      const r = await client.query(text, params as unknown[]);
      return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 };
    },
  };
}

/** How to reach the PostgreSQL server. */
export interface PostgresStoreOptions {
  readonly databaseUrl: string;
  readonly poolSize?: number | undefined;
  readonly schema?: string | undefined;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

function poolConfig(options: PostgresStoreOptions): pg.PoolConfig {
  const { databaseUrl, poolSize = 10, schema } = options;
  const config: pg.PoolConfig = { connectionString: databaseUrl, max: poolSize, types };
  if (schema === undefined) return config;
  if (!IDENTIFIER.test(schema)) {
    throw serverError('FW_STORE_UNAVAILABLE', 'the schema name must be a lower-case SQL identifier');
  }
  return { ...config, options: `-c search_path=${schema}` };
}

/** A PostgreSQL server, for the scaled setup (many Fleetward processes, one database). */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const pool = new pg.Pool(poolConfig(options));
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it on the next query.
  });
  let schema: string | null | undefined;
  try {
    schema = (await pool.query<{ s: string | null }>('select current_schema() as s')).rows[0]?.s;
  } catch (cause) {
    await pool.end().catch(() => undefined);
    throw serverError('FW_STORE_UNAVAILABLE', 'cannot reach the PostgreSQL server', { cause });
  }
  if (!schema) {
    await pool.end().catch(() => undefined);
    throw serverError('FW_STORE_UNAVAILABLE', `the schema ${options.schema ?? 'of search_path'} does not exist`);
  }
  const sql = wrap(pool);
  return {
    kind: 'postgres',
    query: sql.query,
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await fn(wrap(client));
        await client.query('commit');
        return result;
      } catch (err) {
        await client.query('rollback').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    exec: async (text) => {
      await pool.query(text);
    },
    close: () => pool.end(),
  };
}
