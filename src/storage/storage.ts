// The storage contract. Storage knows keys, bytes and revisions — never kinds. Every driver
// (memory, etcd, postgres, mysql) implements this interface and passes the one conformance suite in
// test/conformance/storage-suite.ts.

/** One key's current value. Revisions are positive integers that only grow, shared by all replicas. */
export interface StoredValue {
  key: string;
  value: Uint8Array;
  /** Revision at which this key was (last) created. */
  createRevision: number;
  /** Revision of the write that produced this value. */
  modRevision: number;
}

export interface ListOptions {
  /** Keys that start with this prefix. Keys and prefixes are absolute: they start with '/'. */
  prefix: string;
  /** At most this many items; 0 or undefined = all. */
  limit?: number;
  /** Return only keys strictly greater than this one (pagination). */
  startAfter?: string;
  /** Read the state as of this revision; undefined or 0 = latest. Older than the compacted revision ⇒ CompactedError. */
  revision?: number;
}

export interface ListResult {
  /** Sorted by key, ascending. */
  items: StoredValue[];
  /** The revision the list was read at (the snapshot revision); ≥ every item's modRevision. */
  revision: number;
  /** True when `limit` cut the result. */
  more: boolean;
  /** How many matching keys were left out by `limit`, when the driver can tell cheaply. */
  remaining?: number;
}

export type WatchEventType = 'put' | 'delete';

export interface StorageWatchEvent {
  type: WatchEventType;
  key: string;
  /** For put: the new value. For delete: the value just before the delete. */
  value: Uint8Array;
  /** The value before this event, if it existed (put over an existing key, and delete). */
  prevValue?: Uint8Array;
  /** Revision of this event (the delete's own revision for deletes). */
  modRevision: number;
  /** createRevision of the key this event is about; for put, equal to modRevision iff it was a create. */
  createRevision: number;
}

export interface WatchOptions {
  prefix: string;
  /** Deliver every event with revision > this, in revision order, then live events. */
  afterRevision: number;
}

export interface WatchListener {
  onEvent(event: StorageWatchEvent): void;
  /** Fatal: the watch has ended (CompactedError if afterRevision was compacted, or a driver failure). */
  onError(error: Error): void;
}

export interface StorageWatch {
  close(): void;
}

export interface Storage {
  /** undefined when the key does not exist. */
  get(key: string): Promise<StoredValue | undefined>;
  list(options: ListOptions): Promise<ListResult>;
  /** Count of keys under a prefix at the latest revision. */
  count(prefix: string): Promise<number>;
  /** Throws KeyExistsError if the key exists. */
  create(key: string, value: Uint8Array): Promise<StoredValue>;
  /**
   * Compare-and-swap: writes only if the key's current modRevision equals `expectedModRevision`.
   * Throws KeyNotFoundError if absent, RevisionConflictError if the revision differs.
   */
  update(key: string, value: Uint8Array, expectedModRevision: number): Promise<StoredValue>;
  /**
   * Deletes the key, if `expectedModRevision` is given only when it matches (RevisionConflictError
   * otherwise). Throws KeyNotFoundError if absent. Returns the deleted value with the delete's revision
   * as modRevision.
   */
  delete(key: string, expectedModRevision?: number): Promise<StoredValue>;
  /** Starts delivering events; resolves once the watch is established. */
  watch(options: WatchOptions, listener: WatchListener): Promise<StorageWatch>;
  /** The newest revision of the whole store. */
  currentRevision(): Promise<number>;
  /** The oldest revision still readable (reads/watches from before it get CompactedError). */
  compactedRevision(): Promise<number>;
  /**
   * Drops history before `revision`: the state at `revision` stays readable, reads and watches from
   * earlier revisions get CompactedError. Never drops the current value of a live key.
   */
  compact(revision: number): Promise<void>;
  /** Readiness: resolves when the backend answers, rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
