/**
 * A row-returning SQL executor. The same SQL runs on PGlite and PostgreSQL, and both return the
 * same JavaScript values: bytea → Buffer; int8 (bigint, bigserial, count(*)) and numeric → string
 * (no precision lost past 2^53; cast to int when a number is wanted); int2/int4/float → number;
 * timestamptz → Date; date → 'YYYY-MM-DD' string; json/jsonb → the parsed value; arrays of these alike.
 * Parameters: Buffer for bytea, Date for timestamptz, an object or array for jsonb.
 */
export interface Sql {
  query<T extends object = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<QueryResult<T>>;
}

export interface QueryResult<T> {
  readonly rows: T[];
  /** Rows inserted, updated or deleted. */
  readonly rowCount: number;
}

export type StoreKind = 'pglite' | 'postgres';

/** The one database of a Fleetward server. */
export interface Store extends Sql {
  readonly kind: StoreKind;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  /** Runs several statements with no parameters (migrations). */
  exec(text: string): Promise<void>;
  /**
   * Lets the queries and transactions in flight finish, then closes. Calls made after close()
   * began are refused with FW_STORE_UNAVAILABLE.
   */
  close(): Promise<void>;
}

export interface StoreOptions {
  /** PostgreSQL connection string; when unset the embedded store is used. */
  readonly databaseUrl?: string | undefined;
  /** Folder of the embedded store (PGlite). Unset with no databaseUrl: in memory (tests). */
  readonly dataDir?: string | undefined;
  /** Connections of the PostgreSQL pool. */
  readonly poolSize?: number;
  /**
   * PostgreSQL only: the schema to work in (set as `search_path` on every connection); it must
   * exist. Unset: the server's default (`public`). Lets several deployments or test runs share one database.
   */
  readonly schema?: string | undefined;
  /**
   * Embedded store with a dataDir only. true (default): each commit is fsynced to disk before it is
   * acknowledged, so it survives a power loss. false: an acknowledged commit is in the operating system's
   * page cache (it survives the process being killed) but the last ones may be lost on power loss or a
   * kernel crash; commits are faster. See docs/decisions/0003-embedded-store-durability.md.
   */
  readonly durableCommits?: boolean | undefined;
}
