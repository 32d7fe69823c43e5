// Test support (not exported from index.ts): the stores the store tests run against.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { StoreOptions } from './types.js';

/** A PostgreSQL server for tests; unset: the PostgreSQL tests are skipped. */
export const TEST_DATABASE_URL = process.env.FLEETWARD_TEST_DATABASE_URL;
export const POSTGRES_SKIPPED = 'FLEETWARD_TEST_DATABASE_URL not set: PostgreSQL store tests skipped';

/** Where a test's store lives: options that open it (again and again), and a cleanup. */
export interface TestPlace {
  readonly options: StoreOptions;
  remove(): Promise<void>;
}

export interface StoreTarget {
  readonly kind: 'pglite' | 'postgres';
  /** Why this target cannot run here, if it cannot. */
  readonly skip?: string | undefined;
  /** A new, empty place: a temporary data dir, or a fresh schema with a random name. */
  place(): Promise<TestPlace>;
}

export async function tempDir(prefix = 'fleetward-store-'): Promise<TestPlace & { dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, options: { dataDir: dir }, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Runs sql on the test server with one short-lived connection. */
async function admin(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function freshSchema(url: string): Promise<TestPlace & { schema: string }> {
  const schema = `fw_test_${randomBytes(6).toString('hex')}`;
  await admin(url, `create schema ${schema}`);
  return {
    schema,
    options: { databaseUrl: url, schema, poolSize: 4 },
    remove: () => admin(url, `drop schema ${schema} cascade`),
  };
}

export const TARGETS: readonly StoreTarget[] = [
  { kind: 'pglite', place: () => tempDir() },
  {
    kind: 'postgres',
    skip: TEST_DATABASE_URL ? undefined : POSTGRES_SKIPPED,
    place: () => freshSchema(TEST_DATABASE_URL ?? ''),
  },
];
