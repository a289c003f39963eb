// PostgreSQL driver (pg): the shared SQL log, with watch woken by LISTEN/NOTIFY. A trigger on
// kamaji_log notifies channel kamaji_log with the new revision on commit, whichever replica wrote;
// a dedicated connection listens, and after every (re)connect the feed reads everything it missed.

import pg from 'pg';
import type { SqlDialect, SqlExecutor, SqlFailure, SqlParam, SqlRow } from './sql/dialect.ts';
import { resolveSqlConfig, type ResolvedSqlConfig, type SqlStorageConfig } from './sql/config.ts';
import { SqlLogStorage, type ChangeSignal } from './sql/sql-log-storage.ts';
import type { Storage } from './storage.ts';

export type PostgresStorageConfig = SqlStorageConfig;

const CHANNEL = 'kamaji_log';
/** pg_advisory_lock key serializing schema migrations (arbitrary, fixed). */
const SCHEMA_LOCK_KEY = 7_413_520_601;
const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 5_000;

const CREATE_SCHEMA = [
  'BEGIN',
  `CREATE TABLE kamaji_log (
     id BIGSERIAL PRIMARY KEY,
     name TEXT COLLATE "C" NOT NULL,
     created BOOLEAN NOT NULL,
     deleted BOOLEAN NOT NULL,
     create_revision BIGINT NOT NULL,
     prev_revision BIGINT NOT NULL,
     value BYTEA NOT NULL,
     CONSTRAINT kamaji_log_name_prev_revision UNIQUE (name, prev_revision)
   )`,
  'CREATE INDEX kamaji_log_name_id ON kamaji_log (name, id)',
  'CREATE TABLE kamaji_compaction (revision BIGINT NOT NULL)',
  'INSERT INTO kamaji_compaction (revision) VALUES (0)',
  // Revision 1 is the store's creation, so even an empty store has a positive revision.
  `INSERT INTO kamaji_log (name, created, deleted, create_revision, prev_revision, value) VALUES ('', FALSE, TRUE, 0, 1, ''::bytea)`,
  `CREATE FUNCTION kamaji_log_notify() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     PERFORM pg_notify('${CHANNEL}', NEW.id::text);
     RETURN NULL;
   END $$`,
  'CREATE TRIGGER kamaji_log_notify AFTER INSERT ON kamaji_log FOR EACH ROW EXECUTE FUNCTION kamaji_log_notify()',
  'CREATE TABLE kamaji_schema_version (version INTEGER NOT NULL)',
  'INSERT INTO kamaji_schema_version (version) VALUES (1)',
  'COMMIT',
];

/** Opens the PostgreSQL storage: migrates the schema, then serves. */
export async function openPostgresStorage(config: PostgresStorageConfig): Promise<Storage> {
  const resolved = resolveSqlConfig('postgres', config, ['postgres', 'postgresql']);
  const connection = clientConfig(resolved);
  const dialect = new PostgresDialect(connection, resolved.poolSize, resolved.log.onBackgroundError);
  return SqlLogStorage.open(dialect, {
    ...resolved.log,
    signal: (wake) => listen(connection, wake, resolved.log.onBackgroundError),
  });
}

function clientConfig(resolved: ResolvedSqlConfig): pg.ClientConfig {
  const url = new URL(resolved.url.href);
  // pg lets TLS settings in the URL override the ones given beside it: with a CA given, the URL's go.
  if (resolved.tls !== undefined) for (const param of ['sslmode', 'sslrootcert', 'sslcert', 'sslkey']) url.searchParams.delete(param);
  const config: pg.ClientConfig = {
    connectionString: url.href,
    application_name: 'kamaji-ts',
    // Our statements are small index lookups; PostgreSQL's JIT would compile them whenever its row
    // estimates are off (a young table has no statistics) and spend 10+ ms doing it. A replica that
    // froze inside a write transaction would hold its revision open, and every watch and list with
    // it (they wait for revisions in order): the server ends such a transaction after 30 s.
    options: '-c jit=off -c idle_in_transaction_session_timeout=30000',
  };
  if (resolved.tls !== undefined) config.ssl = { ...resolved.tls, rejectUnauthorized: true };
  return config;
}

class PostgresDialect implements SqlDialect {
  readonly name = 'postgres';
  readonly statements = {
    createSchema: CREATE_SCHEMA,
    existingTables: (count: number) =>
      `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name IN (${placeholders(count)})`,
    deleteSuperseded:
      'DELETE FROM kamaji_log a USING kamaji_log b WHERE b.prev_revision = a.id AND b.id > ? AND b.id <= ?',
    // Autovacuum analyzes late for a log that grows and shrinks in bursts; without fresh statistics
    // the planner sorts whole prefixes for every page of a list.
    maintenance: ['ANALYZE kamaji_log'],
  };
  readonly #pool: pg.Pool;

  constructor(connection: pg.ClientConfig, poolSize: number, onError?: (what: string, error: Error) => void) {
    this.#pool = new pg.Pool({ ...connection, max: poolSize });
    // An idle connection dies when the server restarts; the pool replaces it. Without a listener
    // the error would crash the process.
    this.#pool.on('error', (error) => onError?.('postgres idle connection', error));
  }

  query(sql: string, params: readonly SqlParam[] = []): Promise<SqlRow[]> {
    return run(this.#pool, sql, params);
  }

  insertLogRow(sql: string, params: readonly SqlParam[]): Promise<number> {
    return insertReturningId(this.#pool, sql, params);
  }

  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.#withClient(async (client) => {
      await client.query('BEGIN');
      try {
        const result = await work(executorOn(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  withSchemaLock<T>(work: (executor: SqlExecutor) => Promise<T>): Promise<T> {
    return this.#withClient(async (client) => {
      await client.query('SELECT pg_advisory_lock($1)', [SCHEMA_LOCK_KEY]);
      try {
        return await work(executorOn(client));
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [SCHEMA_LOCK_KEY]);
      }
    });
  }

  // A checked-out client has no error listener of the pool's: if the server went away under it, its
  // 'error' event would crash the process. Listen while it is out, and hand it back broken then, so
  // the pool replaces it.
  async #withClient<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    let broken: Error | undefined;
    const onError = (error: Error) => {
      broken = error;
    };
    client.on('error', onError);
    try {
      return await work(client);
    } catch (error) {
      broken ??= isConnectionLost(error) ? (error as Error) : undefined;
      throw error;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  classify(error: unknown): SqlFailure {
    const { code, constraint } = (error ?? {}) as { code?: string; constraint?: string };
    if (code === '23505' && constraint === 'kamaji_log_pkey') return 'revision-taken';
    if (code === '23505' && constraint === 'kamaji_log_name_prev_revision') return 'key-chain-taken';
    if (code === '40001' || code === '40P01') return 'retryable';
    return 'other';
  }

  close(): Promise<void> {
    return this.#pool.end();
  }
}

/** Errors after which a connection must not go back to the pool. */
function isConnectionLost(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('08') || code.startsWith('57P') || code.startsWith('E'));
}

function executorOn(client: pg.PoolClient): SqlExecutor {
  return {
    query: (sql, params = []) => run(client, sql, params),
    insertLogRow: (sql, params) => insertReturningId(client, sql, params),
  };
}

async function run(target: pg.Pool | pg.PoolClient, sql: string, params: readonly SqlParam[]): Promise<SqlRow[]> {
  const result = await target.query(numbered(sql), params.map(toPgParam));
  return result.rows as SqlRow[];
}

async function insertReturningId(target: pg.Pool | pg.PoolClient, sql: string, params: readonly SqlParam[]): Promise<number> {
  const rows = await run(target, `${sql} RETURNING id`, params);
  return Number(rows[0]!['id']);
}

/** The shared statements use `?`; pg wants $1, $2, … (no statement of ours has a literal `?`). */
function numbered(sql: string): string {
  let index = 0;
  return sql.replace(/\?/g, () => `$${++index}`);
}

function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}

function toPgParam(param: SqlParam): unknown {
  return param instanceof Uint8Array && !Buffer.isBuffer(param)
    ? Buffer.from(param.buffer, param.byteOffset, param.byteLength)
    : param;
}

/** LISTEN on a dedicated connection; reconnects with backoff and wakes the feed after each connect. */
async function listen(
  connection: pg.ClientConfig,
  wake: () => void,
  onError?: (what: string, error: Error) => void,
): Promise<ChangeSignal> {
  let client: pg.Client | undefined;
  let timer: NodeJS.Timeout | undefined;
  let delay = RECONNECT_MIN_MS;
  let stopped = false;

  const connect = async (): Promise<void> => {
    const next = new pg.Client(connection);
    next.on('notification', () => wake());
    next.on('error', (error) => {
      onError?.('postgres listen connection', error);
      retry(next);
    });
    next.on('end', () => retry(next));
    client = next;
    await next.connect();
    await next.query(`LISTEN ${CHANNEL}`);
    delay = RECONNECT_MIN_MS;
    // Whatever was written while this connection was down arrives with no notification: read it now.
    wake();
  };

  const retry = (failed: pg.Client): void => {
    if (stopped || client !== failed || timer !== undefined) return;
    client = undefined;
    failed.end().catch(() => undefined);
    timer = setTimeout(() => {
      timer = undefined;
      if (stopped) return;
      connect().catch((error: Error) => {
        onError?.('postgres listen connection', error);
        if (client !== undefined) retry(client);
      });
    }, delay);
    delay = Math.min(delay * 2, RECONNECT_MAX_MS);
  };

  await connect();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await client?.end().catch(() => undefined);
    },
  };
}
