// What the shared SQL log needs from a database driver. PostgreSQL (pg) and MySQL/MariaDB (mysql2)
// each implement it; everything above it (the log, the watch feed, compaction, the schema) is one
// copy for both. Statements are written with `?` placeholders; a dialect rewrites them if its
// driver wants another style. Only values travel as parameters: table and column names are fixed.

export type SqlParam = string | number | boolean | Uint8Array | null;
export type SqlRow = Readonly<Record<string, unknown>>;

export interface SqlExecutor {
  query(sql: string, params?: readonly SqlParam[]): Promise<SqlRow[]>;
  /** Runs an INSERT of one row into kamaji_log and returns the row's id. */
  insertLogRow(sql: string, params: readonly SqlParam[]): Promise<number>;
}

/** Why a statement failed, as far as the log cares. */
export type SqlFailure =
  /** The primary key (revision) is taken: a gap filler claimed the id this insert drew. */
  | 'revision-taken'
  /** Another write already followed the same previous revision of this key. */
  | 'key-chain-taken'
  /** A deadlock or serialization failure: the whole operation may simply be retried. */
  | 'retryable'
  | 'other';

/** Statements whose syntax differs between the databases. */
export interface DialectStatements {
  /** DDL creating every table of schema version 1, in order. */
  readonly createSchema: readonly string[];
  /** Names of those of the given tables that exist in the connected database/schema (params: the names). */
  readonly existingTables: (count: number) => string;
  /** Deletes rows superseded by a row whose id is in (?, ?]. */
  readonly deleteSuperseded: string;
  /** Run after each background compaction (e.g. refreshing planner statistics). */
  readonly maintenance: readonly string[];
}

export interface SqlDialect extends SqlExecutor {
  readonly name: 'postgres' | 'mysql';
  readonly statements: DialectStatements;
  /** Runs `work` in one transaction on one connection (READ COMMITTED). */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Runs `work` while holding the database-wide lock that serializes schema migrations. */
  withSchemaLock<T>(work: (executor: SqlExecutor) => Promise<T>): Promise<T>;
  classify(error: unknown): SqlFailure;
  close(): Promise<void>;
}
