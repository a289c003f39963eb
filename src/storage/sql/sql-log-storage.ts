// The Storage contract on a kine-style log table, shared by the PostgreSQL and MySQL drivers.
//
// Every write is an INSERT into kamaji_log (one row per revision); a key's current value is its
// newest row. A unique constraint on (name, prev_revision) makes each row the only possible
// successor of the row it follows, so compare-and-swap holds across replicas without locks: of two
// writers that read the same newest row, one insert fails. Creates additionally lock the newest row
// (a tombstone) so compaction cannot delete it between their read and their insert.

import {
  CompactedError,
  FutureRevisionError,
  KeyExistsError,
  KeyNotFoundError,
  RevisionConflictError,
  StorageError,
  StorageUnavailableError,
} from '../errors.ts';
import { requireAbsoluteKey } from '../keys.ts';
import type {
  ListOptions,
  ListResult,
  Storage,
  StorageWatch,
  StoredValue,
  WatchListener,
  WatchOptions,
} from '../storage.ts';
import type { SqlDialect } from './dialect.ts';
import { checkKey } from './key-range.ts';
import { LogFeed } from './log-feed.ts';
import { LogQueries } from './log-queries.ts';
import { createRevisionOf, toStoredValue } from './log-row.ts';
import { migrateSchema } from './schema.ts';

/** Something that wakes the feed when the log may have grown: notifications or a poll timer. */
export interface ChangeSignal {
  stop(): Promise<void>;
}

export interface SqlLogStorageOptions {
  /** How often the background compaction runs; 0 turns it off. */
  compactIntervalMs: number;
  /** How many revisions before the newest one stay readable after compaction. */
  compactRetainRevisions: number;
  /** Starts the dialect's change signal; it calls `wake` whenever new rows may be there. */
  signal: (wake: () => void) => Promise<ChangeSignal>;
  /** Reports background failures (compaction, feed retries). Never receives secrets. */
  onBackgroundError?: (what: string, error: Error) => void;
}

/** The state a write was about to decide on moved under it: start the write over. */
class RetryWrite extends Error {}

/** Attempts for one write when its revision was claimed by a gap filler or the database asked to retry. */
const WRITE_ATTEMPTS = 20;
/** Revisions deleted per compaction statement, to keep transactions short. */
const COMPACTION_STEP = 1_000;
const RETRY_MIN_MS = 50;
const RETRY_MAX_MS = 2_000;

export class SqlLogStorage implements Storage {
  readonly #db: SqlDialect;
  readonly #queries: LogQueries;
  readonly #feed: LogFeed;
  readonly #options: SqlLogStorageOptions;
  #signal: ChangeSignal | undefined;
  #compactTimer: NodeJS.Timeout | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #retryDelay = RETRY_MIN_MS;
  #closed = false;

  private constructor(db: SqlDialect, options: SqlLogStorageOptions) {
    this.#db = db;
    this.#queries = new LogQueries(db);
    this.#feed = new LogFeed(this.#queries, (error) => db.classify(error) === 'revision-taken');
    this.#options = options;
  }

  /** Migrates the schema, settles the log and starts the change signal and background compaction. */
  static async open(db: SqlDialect, options: SqlLogStorageOptions): Promise<SqlLogStorage> {
    const storage = new SqlLogStorage(db, options);
    try {
      await migrateSchema(db);
      await storage.#feed.start();
      storage.#signal = await options.signal(() => storage.#wake());
    } catch (error) {
      await db.close().catch(() => undefined);
      throw storage.#translate(error);
    }
    if (options.compactIntervalMs > 0) {
      storage.#compactTimer = setInterval(() => void storage.#compactInBackground(), options.compactIntervalMs);
      storage.#compactTimer.unref();
    }
    return storage;
  }

  get(key: string): Promise<StoredValue | undefined> {
    return this.#run(async () => {
      this.#checkKey(key);
      const row = await this.#queries.latest(key);
      return row === undefined || row.deleted ? undefined : toStoredValue(row);
    });
  }

  list(options: ListOptions): Promise<ListResult> {
    return this.#run(async () => {
      requireAbsoluteKey(options.prefix, 'prefix');
      if (options.startAfter !== undefined) requireAbsoluteKey(options.startAfter, 'startAfter');
      const requested = options.revision !== undefined && options.revision > 0 ? options.revision : undefined;
      const revision = requested === undefined ? await this.#feed.catchUp() : await this.#readableRevision(requested);
      const limit = options.limit !== undefined && options.limit > 0 ? options.limit : undefined;
      const found = await this.#queries.listAt(revision, options.prefix, options.startAfter, limit && limit + 1);
      if (requested !== undefined) {
        // Asked after the read: a compaction that could have removed rows it needed shows here (one
        // that committed after the read is refused too, which is merely cautious).
        const compacted = await this.#queries.compactedRevision();
        if (compacted > requested) throw new CompactedError(requested, compacted);
      }
      const more = limit !== undefined && found.length > limit;
      const rows = more ? found.slice(0, limit) : found;
      return { items: rows.map(toStoredValue), revision, more };
    });
  }

  count(prefix: string): Promise<number> {
    return this.#run(async () => {
      requireAbsoluteKey(prefix, 'prefix');
      return this.#queries.count(prefix);
    });
  }

  create(key: string, value: Uint8Array): Promise<StoredValue> {
    return this.#write(async () => {
      this.#checkKey(key);
      try {
        const revision = await this.#db.transaction(async (tx) => {
          const locked = await this.#queries.latest(key, tx, true);
          // A locking read can answer from before a wait for the lock (PostgreSQL re-checks only the
          // row it found: a tombstone deleted meanwhile by compaction makes it answer "none", while
          // the create that held the lock is already committed). Decide on a fresh read, and only
          // when it agrees with what is locked.
          const latest = await this.#queries.latest(key, tx);
          if (latest?.id !== locked?.id) throw new RetryWrite();
          if (latest !== undefined && !latest.deleted) throw new KeyExistsError(`key ${key} already exists`, key);
          return this.#queries.insert(
            { name: key, created: true, deleted: false, createRevision: 0, prevRevision: latest?.id ?? 0, value },
            tx,
          );
        });
        return { key, value, createRevision: revision, modRevision: revision };
      } catch (error) {
        if (this.#db.classify(error) === 'key-chain-taken') throw new KeyExistsError(`key ${key} already exists`, key);
        throw error;
      }
    });
  }

  update(key: string, value: Uint8Array, expectedModRevision: number): Promise<StoredValue> {
    return this.#write(async () => {
      this.#checkKey(key);
      const latest = await this.#queries.latest(key);
      if (latest === undefined || latest.deleted) throw new KeyNotFoundError(`key ${key} not found`, key);
      if (latest.id !== expectedModRevision) throw new RevisionConflictError(key, latest.id);
      const createRevision = createRevisionOf(latest);
      try {
        const revision = await this.#queries.insert({
          name: key,
          created: false,
          deleted: false,
          createRevision,
          prevRevision: latest.id,
          value,
        });
        return { key, value, createRevision, modRevision: revision };
      } catch (error) {
        if (this.#db.classify(error) === 'key-chain-taken') throw await this.#lostRace(key);
        throw error;
      }
    });
  }

  delete(key: string, expectedModRevision?: number): Promise<StoredValue> {
    return this.#write(async () => {
      this.#checkKey(key);
      for (;;) {
        const latest = await this.#queries.latest(key);
        if (latest === undefined || latest.deleted) throw new KeyNotFoundError(`key ${key} not found`, key);
        if (expectedModRevision !== undefined && latest.id !== expectedModRevision) {
          throw new RevisionConflictError(key, latest.id);
        }
        const createRevision = createRevisionOf(latest);
        try {
          const revision = await this.#queries.insert({
            name: key,
            created: false,
            deleted: true,
            createRevision,
            prevRevision: latest.id,
            value: new Uint8Array(),
          });
          return { key, value: latest.value, createRevision, modRevision: revision };
        } catch (error) {
          if (this.#db.classify(error) !== 'key-chain-taken') throw error;
          // Someone wrote the key first: an unconditional delete tries again on the newer value.
          if (expectedModRevision !== undefined) throw await this.#lostRace(key);
        }
      }
    });
  }

  watch(options: WatchOptions, listener: WatchListener): Promise<StorageWatch> {
    return this.#run(async () => {
      requireAbsoluteKey(options.prefix, 'prefix');
      const watch = await this.#feed.watch(options.prefix, options.afterRevision, listener);
      this.#wake();
      return watch;
    });
  }

  currentRevision(): Promise<number> {
    return this.#run(() => this.#feed.catchUp());
  }

  compactedRevision(): Promise<number> {
    return this.#run(() => this.#queries.compactedRevision());
  }

  compact(revision: number): Promise<void> {
    return this.#run(async () => {
      await this.#readableRevision(revision);
      const previous = await this.#queries.raiseCompactedRevision(revision);
      for (let from = previous; from < revision; from += COMPACTION_STEP) {
        await this.#queries.deleteHistory(from, Math.min(from + COMPACTION_STEP, revision));
      }
    });
  }

  ping(): Promise<void> {
    return this.#run(async () => {
      await this.#db.query('SELECT 1');
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#compactTimer);
    clearTimeout(this.#retryTimer);
    this.#feed.closeAll();
    await this.#signal?.stop().catch(() => undefined);
    await this.#db.close().catch(() => undefined);
  }

  /** A revision that may be read: not newer than everything settled. */
  async #readableRevision(revision: number): Promise<number> {
    if (revision > this.#feed.resolved) await this.#feed.catchUp();
    if (revision > this.#feed.resolved) throw new FutureRevisionError(revision);
    return revision;
  }

  /** The error for a compare-and-swap that lost to a concurrent write. */
  async #lostRace(key: string): Promise<StorageError> {
    const now = await this.#queries.latest(key);
    if (now === undefined || now.deleted) return new KeyNotFoundError(`key ${key} not found`, key);
    return new RevisionConflictError(key, now.id);
  }

  #checkKey(key: string): void {
    requireAbsoluteKey(key);
    const problem = checkKey(key);
    if (problem !== undefined) throw new StorageError(`storage key ${JSON.stringify(key)}: ${problem}`, key);
  }

  // Lets the feed read new rows; while anyone watches, failures are retried with backoff (the
  // database may be restarting), and the retry's read catches up on everything missed.
  #wake(): void {
    // Nobody watching: reads catch up by themselves, there is nothing to deliver.
    if (this.#closed || this.#retryTimer !== undefined || !this.#feed.watching) return;
    this.#feed.pump().then(
      () => {
        this.#retryDelay = RETRY_MIN_MS;
      },
      (error: unknown) => {
        if (this.#closed || !this.#feed.watching) return;
        this.#options.onBackgroundError?.('watch feed', this.#translate(error));
        this.#retryTimer = setTimeout(() => {
          this.#retryTimer = undefined;
          this.#wake();
        }, this.#retryDelay);
        this.#retryDelay = Math.min(this.#retryDelay * 2, RETRY_MAX_MS);
      },
    );
  }

  async #compactInBackground(): Promise<void> {
    try {
      const target = (await this.#feed.catchUp()) - this.#options.compactRetainRevisions;
      if (target > (await this.#queries.compactedRevision())) await this.compact(target);
      for (const statement of this.#db.statements.maintenance) await this.#db.query(statement);
    } catch (error) {
      this.#options.onBackgroundError?.('compaction', this.#translate(error));
    }
  }

  async #write<T>(operation: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.#run(operation);
        // This replica's own watches need not wait for a notification or the next poll.
        this.#wake();
        return result;
      } catch (error) {
        const cause = error instanceof StorageUnavailableError ? error.cause : undefined;
        const failure = cause instanceof RetryWrite ? 'retryable' : cause === undefined ? 'other' : this.#db.classify(cause);
        if (attempt >= WRITE_ATTEMPTS || (failure !== 'revision-taken' && failure !== 'retryable')) throw error;
      }
    }
  }

  async #run<T>(operation: () => Promise<T>): Promise<T> {
    if (this.#closed) throw new StorageUnavailableError(`${this.#db.name} storage is closed`);
    try {
      return await operation();
    } catch (error) {
      throw this.#translate(error);
    }
  }

  // Only the typed storage errors leave the driver; a database failure becomes StorageUnavailableError
  // whose message names the database and its error code, never the connection URL.
  #translate(error: unknown): StorageError {
    if (error instanceof StorageError) return error;
    const detail = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: unknown } | null)?.code;
    const unavailable = new StorageUnavailableError(
      `${this.#db.name} storage: ${typeof code === 'string' ? `${code}: ` : ''}${detail}`,
    );
    unavailable.cause = error;
    return unavailable;
  }
}
