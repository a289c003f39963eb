// MySQL/MariaDB driver (mysql2): the shared SQL log, with watch fed by polling (MySQL has no
// notifications). Each poll only asks for rows after the feed's resolved revision, so it is cheap,
// and a poll after the database came back reads everything written meanwhile.

import mysql from 'mysql2/promise';
import type { SqlDialect, SqlExecutor, SqlFailure, SqlParam, SqlRow } from './sql/dialect.ts';
import { resolveSqlConfig, type SqlStorageConfig } from './sql/config.ts';
import { SqlLogStorage } from './sql/sql-log-storage.ts';
import type { Storage } from './storage.ts';

export interface MySqlStorageConfig extends SqlStorageConfig {
  /** How often watches look for rows written by other replicas (default 25 ms). */
  pollIntervalMs?: number;
}

const DEFAULT_POLL_INTERVAL_MS = 25;
const SCHEMA_LOCK_TIMEOUT_SECONDS = 60;

const CREATE_SCHEMA = [
  // VARBINARY: keys compare and sort by their bytes, with no collation padding or case folding.
  `CREATE TABLE kamaji_log (
     id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
     name VARBINARY(1024) NOT NULL,
     created BOOLEAN NOT NULL,
     deleted BOOLEAN NOT NULL,
     create_revision BIGINT UNSIGNED NOT NULL,
     prev_revision BIGINT UNSIGNED NOT NULL,
     value LONGBLOB NOT NULL,
     UNIQUE KEY kamaji_log_name_prev_revision (name, prev_revision),
     KEY kamaji_log_name_id (name, id)
   ) ENGINE=InnoDB`,
  'CREATE TABLE kamaji_compaction (revision BIGINT UNSIGNED NOT NULL) ENGINE=InnoDB',
  'INSERT INTO kamaji_compaction (revision) VALUES (0)',
  // Revision 1 is the store's creation, so even an empty store has a positive revision.
  `INSERT INTO kamaji_log (name, created, deleted, create_revision, prev_revision, value) VALUES ('', FALSE, TRUE, 0, 1, '')`,
  // Last: MySQL cannot roll DDL back, so a half-created schema has no version row and is refused.
  'CREATE TABLE kamaji_schema_version (version INT NOT NULL) ENGINE=InnoDB',
  'INSERT INTO kamaji_schema_version (version) VALUES (1)',
];

/** Opens the MySQL/MariaDB storage: migrates the schema, then serves. */
export async function openMySqlStorage(config: MySqlStorageConfig): Promise<Storage> {
  const resolved = resolveSqlConfig('mysql', config, ['mysql', 'mariadb']);
  const pollIntervalMs = config.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  if (!Number.isSafeInteger(pollIntervalMs) || pollIntervalMs < 1) {
    throw new Error('mysql storage: pollIntervalMs must be a positive integer');
  }
  const url = new URL(resolved.url.href);
  url.protocol = 'mysql:';
  const options: mysql.PoolOptions = {
    uri: url.href,
    connectionLimit: resolved.poolSize,
    supportBigNumbers: true,
    bigNumberStrings: false,
    // Keep the pool small and fresh: connections that die with a restarting server are replaced.
    enableKeepAlive: true,
  };
  if (resolved.tls !== undefined) options.ssl = { ...resolved.tls, rejectUnauthorized: true };
  const dialect = new MySqlDialect(mysql.createPool(options));
  return SqlLogStorage.open(dialect, {
    ...resolved.log,
    signal: async (wake) => {
      const timer = setInterval(wake, pollIntervalMs);
      return {
        async stop() {
          clearInterval(timer);
        },
      };
    },
  });
}

class MySqlDialect implements SqlDialect {
  readonly name = 'mysql';
  readonly statements = {
    createSchema: CREATE_SCHEMA,
    existingTables: (count: number) =>
      `SELECT table_name AS table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name IN (${placeholders(count)})`,
    deleteSuperseded: 'DELETE a FROM kamaji_log a JOIN kamaji_log b ON b.prev_revision = a.id WHERE b.id > ? AND b.id <= ?',
    // InnoDB keeps its statistics current by itself.
    maintenance: [],
  };
  readonly #pool: mysql.Pool;

  constructor(pool: mysql.Pool) {
    this.#pool = pool;
    // Queued before any other command of the connection:
    // - READ COMMITTED: a create's locking read of a missing key takes no gap lock, so concurrent
    //   creates are decided by the unique key instead of deadlocking;
    // - a replica frozen inside a write transaction would hold its revision open, and every watch
    //   and list with it: MariaDB ends such a transaction after 30 s (MySQL has no such setting,
    //   the statement fails there and is ignored).
    pool.pool.on('connection', (connection) => {
      connection.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
      connection.query('SET SESSION idle_transaction_timeout = 30', () => undefined);
    });
  }

  query(sql: string, params: readonly SqlParam[] = []): Promise<SqlRow[]> {
    return run(this.#pool, sql, params);
  }

  insertLogRow(sql: string, params: readonly SqlParam[]): Promise<number> {
    return insertId(this.#pool, sql, params);
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const connection = await this.#pool.getConnection();
    let broken = false;
    try {
      await connection.query('START TRANSACTION');
      const result = await work(executorOn(connection));
      await connection.query('COMMIT');
      return result;
    } catch (error) {
      await connection.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw error;
    } finally {
      if (broken) connection.destroy();
      else connection.release();
    }
  }

  async withSchemaLock<T>(work: (executor: SqlExecutor) => Promise<T>): Promise<T> {
    const connection = await this.#pool.getConnection();
    try {
      const [rows] = await connection.query<mysql.RowDataPacket[]>(
        "SELECT GET_LOCK(CONCAT('kamaji_schema.', DATABASE()), ?) AS locked",
        [SCHEMA_LOCK_TIMEOUT_SECONDS],
      );
      if (Number(rows[0]?.['locked']) !== 1) throw new Error('timed out waiting for the schema migration lock');
      try {
        return await work(executorOn(connection));
      } finally {
        await connection.query("SELECT RELEASE_LOCK(CONCAT('kamaji_schema.', DATABASE()))");
      }
    } finally {
      connection.release();
    }
  }

  classify(error: unknown): SqlFailure {
    const { errno, message } = (error ?? {}) as { errno?: number; message?: string };
    if (errno === 1062 && message?.includes("'PRIMARY'")) return 'revision-taken';
    if (errno === 1062 && message?.includes('kamaji_log_name_prev_revision')) return 'key-chain-taken';
    if (errno === 1213 || errno === 1205) return 'retryable';
    return 'other';
  }

  close(): Promise<void> {
    return this.#pool.end();
  }
}

type Queryable = mysql.Pool | mysql.PoolConnection;

function executorOn(connection: mysql.PoolConnection): SqlExecutor {
  return {
    query: (sql, params = []) => run(connection, sql, params),
    insertLogRow: (sql, params) => insertId(connection, sql, params),
  };
}

async function run(target: Queryable, sql: string, params: readonly SqlParam[]): Promise<SqlRow[]> {
  // Server-side prepared statements whenever there are values; plain text for DDL and constants.
  const [rows] =
    params.length === 0
      ? await target.query<mysql.RowDataPacket[]>(sql)
      : await target.execute<mysql.RowDataPacket[]>(sql, params.map(toMySqlParam));
  return rows as SqlRow[];
}

async function insertId(target: Queryable, sql: string, params: readonly SqlParam[]): Promise<number> {
  const [result] = await target.execute<mysql.ResultSetHeader>(sql, params.map(toMySqlParam));
  return Number(result.insertId);
}

function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}

function toMySqlParam(param: SqlParam): string | number | Buffer | null {
  if (typeof param === 'boolean') return param ? 1 : 0;
  if (param instanceof Uint8Array) return Buffer.from(param.buffer, param.byteOffset, param.byteLength);
  return param;
}
