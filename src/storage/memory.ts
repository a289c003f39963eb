// In-memory storage for unit and integration tests. It keeps a revisioned event log, so reads at an
// older revision and watches from a revision behave as they do on etcd, within a bounded window.
import {
  CompactedError,
  FutureRevisionError,
  KeyExistsError,
  KeyNotFoundError,
  RevisionConflictError,
  StorageUnavailableError,
} from './errors.ts';
import { compareKeys, requireAbsoluteKey } from './keys.ts';
import type {
  ListOptions,
  ListResult,
  Storage,
  StorageWatch,
  StorageWatchEvent,
  StoredValue,
  WatchListener,
  WatchOptions,
} from './storage.ts';

export interface MemoryDatastoreOptions {
  /** Events kept for reads at older revisions and watches; older ones are compacted away. */
  historyLimit?: number;
}

const DEFAULT_HISTORY_LIMIT = 10_000;

/** One write, with the value it replaced, so the log can be replayed backwards for old reads. */
interface LoggedWrite {
  type: 'put' | 'delete';
  revision: number;
  key: string;
  /** The key's value after a put; undefined after a delete. */
  current: StoredValue | undefined;
  previous: StoredValue | undefined;
}

interface Subscriber {
  prefix: string;
  deliver(event: StorageWatchEvent): void;
}

/**
 * The data behind one or more MemoryStorage handles. Several handles on one datastore behave like
 * replicas on one etcd: they share keys, revisions and events.
 */
export class MemoryDatastore {
  readonly #historyLimit: number;
  readonly #live = new Map<string, StoredValue>();
  #log: LoggedWrite[] = [];
  // Like etcd, a new store is at revision 1, so even an empty list has a positive revision.
  #revision = 1;
  #compacted = 1;
  readonly #subscribers = new Set<Subscriber>();

  constructor(options: MemoryDatastoreOptions = {}) {
    const historyLimit = options.historyLimit ?? DEFAULT_HISTORY_LIMIT;
    if (!Number.isSafeInteger(historyLimit) || historyLimit < 1) {
      throw new Error(`memory storage: historyLimit must be a positive integer, got ${historyLimit}`);
    }
    this.#historyLimit = historyLimit;
  }

  get revision(): number {
    return this.#revision;
  }

  get compactedRevision(): number {
    return this.#compacted;
  }

  get(key: string): StoredValue | undefined {
    return this.#live.get(key);
  }

  create(key: string, value: Uint8Array): StoredValue {
    if (this.#live.has(key)) throw new KeyExistsError(`key ${key} already exists`, key);
    const revision = this.#revision + 1;
    return this.#put(key, { key, value: value.slice(), createRevision: revision, modRevision: revision });
  }

  update(key: string, value: Uint8Array, expectedModRevision: number): StoredValue {
    const current = this.#requireRevision(key, expectedModRevision);
    const revision = this.#revision + 1;
    return this.#put(key, { key, value: value.slice(), createRevision: current.createRevision, modRevision: revision });
  }

  delete(key: string, expectedModRevision: number | undefined): StoredValue {
    const current = this.#requireRevision(key, expectedModRevision);
    this.#revision += 1;
    this.#live.delete(key);
    this.#record({ type: 'delete', revision: this.#revision, key, current: undefined, previous: current });
    return { ...current, modRevision: this.#revision };
  }

  list(options: ListOptions): ListResult {
    // As on etcd, revision 0 (or none) reads the latest state.
    const revision = options.revision !== undefined && options.revision > 0 ? options.revision : this.#revision;
    this.#requireReadable(revision);
    const matching = [...this.#stateAt(revision).values()]
      .filter((item) => item.key.startsWith(options.prefix))
      .filter((item) => options.startAfter === undefined || compareKeys(item.key, options.startAfter) > 0)
      .sort((a, b) => compareKeys(a.key, b.key));
    const limit = options.limit ?? 0;
    if (limit <= 0 || matching.length <= limit) return { items: matching, revision, more: false };
    return { items: matching.slice(0, limit), revision, more: true, remaining: matching.length - limit };
  }

  count(prefix: string): number {
    let count = 0;
    for (const key of this.#live.keys()) if (key.startsWith(prefix)) count += 1;
    return count;
  }

  compact(revision: number): void {
    if (revision > this.#revision) throw new FutureRevisionError(revision);
    if (revision <= this.#compacted) return;
    this.#compacted = revision;
    // Events at the compacted revision itself stay: a watch from `revision - 1` still needs them.
    this.#log = this.#log.filter((write) => write.revision >= revision);
  }

  /** Queues every logged event after `afterRevision`, then live ones, without a gap in between. */
  subscribe(options: WatchOptions, deliver: (event: StorageWatchEvent) => void): () => void {
    // Watching from revision N needs events from N+1 on; etcd accepts N+1 == compacted.
    if (options.afterRevision + 1 < this.#compacted) {
      throw new CompactedError(options.afterRevision, this.#compacted);
    }
    for (const write of this.#log) {
      if (write.revision > options.afterRevision && write.key.startsWith(options.prefix)) deliver(toEvent(write));
    }
    const subscriber: Subscriber = { prefix: options.prefix, deliver };
    this.#subscribers.add(subscriber);
    return () => this.#subscribers.delete(subscriber);
  }

  #requireRevision(key: string, expectedModRevision: number | undefined): StoredValue {
    const current = this.#live.get(key);
    if (!current) throw new KeyNotFoundError(`key ${key} not found`, key);
    if (expectedModRevision !== undefined && current.modRevision !== expectedModRevision) {
      throw new RevisionConflictError(key, current.modRevision);
    }
    return current;
  }

  #requireReadable(revision: number): void {
    if (revision < this.#compacted) throw new CompactedError(revision, this.#compacted);
    if (revision > this.#revision) throw new FutureRevisionError(revision);
  }

  #put(key: string, stored: StoredValue): StoredValue {
    const previous = this.#live.get(key);
    this.#revision = stored.modRevision;
    this.#live.set(key, stored);
    this.#record({ type: 'put', revision: stored.modRevision, key, current: stored, previous });
    return stored;
  }

  #record(write: LoggedWrite): void {
    this.#log.push(write);
    if (this.#log.length > this.#historyLimit) {
      this.compact(this.#log[this.#log.length - this.#historyLimit]!.revision);
    }
    const event = toEvent(write);
    for (const subscriber of this.#subscribers) {
      if (write.key.startsWith(subscriber.prefix)) subscriber.deliver(event);
    }
  }

  /** The live state with every write after `revision` undone. */
  #stateAt(revision: number): Map<string, StoredValue> {
    if (revision === this.#revision) return this.#live;
    const state = new Map(this.#live);
    for (let i = this.#log.length - 1; i >= 0 && this.#log[i]!.revision > revision; i--) {
      const write = this.#log[i]!;
      if (write.previous) state.set(write.key, write.previous);
      else state.delete(write.key);
    }
    return state;
  }
}

function toEvent(write: LoggedWrite): StorageWatchEvent {
  if (write.type === 'delete') {
    const previous = write.previous!;
    return {
      type: 'delete',
      key: write.key,
      value: previous.value,
      prevValue: previous.value,
      modRevision: write.revision,
      createRevision: previous.createRevision,
    };
  }
  const current = write.current!;
  return {
    type: 'put',
    key: write.key,
    value: current.value,
    ...(write.previous ? { prevValue: write.previous.value } : {}),
    modRevision: current.modRevision,
    createRevision: current.createRevision,
  };
}

function copyValue(stored: StoredValue): StoredValue {
  return { ...stored, value: stored.value.slice() };
}

function copyEvent(event: StorageWatchEvent): StorageWatchEvent {
  return {
    ...event,
    value: event.value.slice(),
    ...(event.prevValue ? { prevValue: event.prevValue.slice() } : {}),
  };
}

/**
 * A Storage handle on a MemoryDatastore. Values are copied in and out, so callers can never change
 * stored bytes behind the store's back. Events reach listeners asynchronously, in order, as on etcd.
 */
export class MemoryStorage implements Storage {
  readonly datastore: MemoryDatastore;
  readonly #watches = new Set<StorageWatch>();
  #closed = false;

  constructor(datastore: MemoryDatastore = new MemoryDatastore()) {
    this.datastore = datastore;
  }

  async get(key: string): Promise<StoredValue | undefined> {
    this.#requireOpen();
    requireAbsoluteKey(key);
    const stored = this.datastore.get(key);
    return stored && copyValue(stored);
  }

  async list(options: ListOptions): Promise<ListResult> {
    this.#requireOpen();
    requireAbsoluteKey(options.prefix, 'prefix');
    if (options.startAfter !== undefined) requireAbsoluteKey(options.startAfter, 'startAfter');
    const result = this.datastore.list(options);
    return { ...result, items: result.items.map(copyValue) };
  }

  async count(prefix: string): Promise<number> {
    this.#requireOpen();
    requireAbsoluteKey(prefix, 'prefix');
    return this.datastore.count(prefix);
  }

  async create(key: string, value: Uint8Array): Promise<StoredValue> {
    this.#requireOpen();
    requireAbsoluteKey(key);
    return copyValue(this.datastore.create(key, value));
  }

  async update(key: string, value: Uint8Array, expectedModRevision: number): Promise<StoredValue> {
    this.#requireOpen();
    requireAbsoluteKey(key);
    return copyValue(this.datastore.update(key, value, expectedModRevision));
  }

  async delete(key: string, expectedModRevision?: number): Promise<StoredValue> {
    this.#requireOpen();
    requireAbsoluteKey(key);
    return copyValue(this.datastore.delete(key, expectedModRevision));
  }

  async watch(options: WatchOptions, listener: WatchListener): Promise<StorageWatch> {
    this.#requireOpen();
    requireAbsoluteKey(options.prefix, 'prefix');
    const pending: StorageWatchEvent[] = [];
    let stopped = false;
    let unsubscribe = (): void => {};
    const flush = (): void => {
      while (!stopped && pending.length > 0) listener.onEvent(pending.shift()!);
    };
    const watch: StorageWatch = {
      close: () => {
        stopped = true;
        pending.length = 0;
        unsubscribe();
        this.#watches.delete(watch);
      },
    };
    try {
      unsubscribe = this.datastore.subscribe(options, (event) => {
        if (pending.push(copyEvent(event)) === 1) queueMicrotask(flush);
      });
    } catch (error) {
      // The contract delivers a compacted start through onError, after the watch is established.
      queueMicrotask(() => !stopped && listener.onError(error as Error));
      return watch;
    }
    this.#watches.add(watch);
    return watch;
  }

  async currentRevision(): Promise<number> {
    this.#requireOpen();
    return this.datastore.revision;
  }

  async compactedRevision(): Promise<number> {
    this.#requireOpen();
    return this.datastore.compactedRevision;
  }

  async compact(revision: number): Promise<void> {
    this.#requireOpen();
    this.datastore.compact(revision);
  }

  async ping(): Promise<void> {
    this.#requireOpen();
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const watch of [...this.#watches]) watch.close();
  }

  #requireOpen(): void {
    if (this.#closed) throw new StorageUnavailableError('memory storage is closed');
  }
}
