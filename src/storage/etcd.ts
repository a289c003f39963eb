// etcd driver over the etcd3 package. Keys live under a configurable prefix; revisions are etcd's
// own (mod revisions), so every replica on the same etcd agrees on them.
//
// Reads and writes use etcd3's raw KV client, with requests shaped exactly as kube-apiserver's, so
// kine (which understands only those shapes: one mod-revision compare per txn, no sort options)
// serves them too. Watches use raw gRPC watch streams, one per Storage watch, instead of etcd3's
// Watcher: that one silently reconnects and resumes from the revision in the last response header,
// which skips historical events not yet delivered, and it reports etcd's compaction cancel as an
// error without the compact revision.
import type { EventEmitter } from 'node:events';
import { Etcd3, Range } from 'etcd3';
import type { IDuplexStream, IEvent, IKeyValue, IWatchRequest, IWatchResponse } from 'etcd3';
import { etcdClientOptions, validateEtcdPrefix, type EtcdStorageOptions } from './etcd-options.ts';
import {
  CompactedError,
  FutureRevisionError,
  KeyExistsError,
  KeyNotFoundError,
  RevisionConflictError,
  StorageError,
  StorageUnavailableError,
} from './errors.ts';
import { requireAbsoluteKey } from './keys.ts';
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

export { validateEtcdPrefix, type EtcdStorageOptions, type EtcdTlsConfig } from './etcd-options.ts';

/** etcd3 types its watch stream narrowly; at runtime it is grpc-js's ClientDuplexStream, an EventEmitter. */
type WatchStream = IDuplexStream<IWatchRequest, IWatchResponse> & Pick<EventEmitter, 'removeAllListeners'>;

const DEFAULT_PING_TIMEOUT_MS = 5_000;
const COMPACTED_MESSAGE = 'required revision has been compacted';
const FUTURE_REVISION_MESSAGE = 'required revision is a future revision';

function isCompacted(error: unknown): boolean {
  return error instanceof Error && error.message.includes(COMPACTED_MESSAGE);
}

/** Every failure leaves the driver as a StorageError; etcd's own message carries no secrets. */
function toStorageError(error: unknown, revision?: number): StorageError {
  if (error instanceof StorageError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (revision !== undefined && message.includes(FUTURE_REVISION_MESSAGE)) return new FutureRevisionError(revision);
  return new StorageUnavailableError(`etcd: ${message}`);
}

export class EtcdStorage implements Storage {
  readonly prefix: string;
  readonly #prefixBytes: Buffer;
  readonly #client: Etcd3;
  readonly #pingTimeoutMs: number;
  readonly #watches = new Set<StorageWatch>();
  /** The newest compaction this client asked for or heard of; etcd has no call that reports it. */
  #knownCompacted = 0;
  #closed = false;

  constructor(options: EtcdStorageOptions) {
    validateEtcdPrefix(options.prefix);
    this.prefix = options.prefix;
    this.#prefixBytes = Buffer.from(options.prefix);
    this.#pingTimeoutMs = options.pingTimeoutMs ?? DEFAULT_PING_TIMEOUT_MS;
    this.#client = new Etcd3(etcdClientOptions(options));
  }

  async get(key: string): Promise<StoredValue | undefined> {
    const response = await this.#call(() => this.#client.kv.range({ key: this.#etcdKey(key) }));
    const kv = response.kvs[0];
    return kv && this.#toStoredValue(kv);
  }

  async list(options: ListOptions): Promise<ListResult> {
    const start = this.#etcdKey(options.prefix, 'prefix');
    const end = Range.prefix(start).end;
    let from = start;
    if (options.startAfter !== undefined) {
      // The first key after startAfter is startAfter followed by a zero byte.
      const after = Buffer.concat([this.#etcdKey(options.startAfter, 'startAfter'), Buffer.from([0])]);
      if (Buffer.compare(after, from) > 0) from = after;
    }
    const limit = options.limit && options.limit > 0 ? options.limit : 0;
    // etcd itself reads revision 0 as "latest".
    const revision = options.revision !== undefined && options.revision > 0 ? options.revision : undefined;
    const response = await this.#call(
      () =>
        this.#client.kv.range({
          key: from,
          range_end: end,
          limit,
          ...(revision !== undefined && { revision }),
        }),
      revision,
    );
    // etcd returns a range sorted by key already.
    const items = response.kvs.map((kv) => this.#toStoredValue(kv));
    // etcd counts every key in the range, not only the returned ones.
    const remaining = Number(response.count) - items.length;
    return {
      items,
      revision: revision ?? Number(response.header.revision),
      more: response.more,
      ...(response.more && { remaining }),
    };
  }

  async count(prefix: string): Promise<number> {
    const key = this.#etcdKey(prefix, 'prefix');
    const response = await this.#call(() => this.#client.kv.range({ key, range_end: Range.prefix(key).end, count_only: true }));
    return Number(response.count);
  }

  async create(key: string, value: Uint8Array): Promise<StoredValue> {
    const etcdKey = this.#etcdKey(key);
    const response = await this.#call(() =>
      this.#client.kv.txn({
        compare: [{ key: etcdKey, target: 'Mod', result: 'Equal', mod_revision: 0 }],
        success: [{ request_put: { key: etcdKey, value: Buffer.from(value) } }],
      }),
    );
    if (!response.succeeded) throw new KeyExistsError(`key ${key} already exists`, key);
    const revision = Number(response.header.revision);
    return { key, value, createRevision: revision, modRevision: revision };
  }

  async update(key: string, value: Uint8Array, expectedModRevision: number): Promise<StoredValue> {
    const etcdKey = this.#etcdKey(key);
    await this.#refuseImpossibleRevision(key, expectedModRevision);
    const response = await this.#call(() =>
      this.#client.kv.txn({
        compare: [this.#modRevisionIs(etcdKey, expectedModRevision)],
        success: [{ request_put: { key: etcdKey, value: Buffer.from(value), prev_kv: true } }],
        failure: [{ request_range: { key: etcdKey } }],
      }),
    );
    if (!response.succeeded) this.#throwPreconditionFailed(key, response.responses[0]?.response_range?.kvs[0]);
    const modRevision = Number(response.header.revision);
    // kine leaves out prev_kv; the value just written, read at its own revision, has the same createRevision.
    const previous = response.responses[0]?.response_put.prev_kv ?? (await this.#readAt(etcdKey, modRevision));
    return { key, value, createRevision: Number(previous?.create_revision), modRevision };
  }

  async delete(key: string, expectedModRevision?: number): Promise<StoredValue> {
    const etcdKey = this.#etcdKey(key);
    if (expectedModRevision !== undefined) await this.#refuseImpossibleRevision(key, expectedModRevision);
    const response = await this.#call(() =>
      this.#client.kv.txn(
        expectedModRevision === undefined
          ? // Read and delete in one txn: the read shows the value the delete removed.
            { success: [{ request_range: { key: etcdKey } }, { request_delete_range: { key: etcdKey, prev_kv: true } }] }
          : {
              compare: [this.#modRevisionIs(etcdKey, expectedModRevision)],
              success: [{ request_delete_range: { key: etcdKey, prev_kv: true } }],
              failure: [{ request_range: { key: etcdKey } }],
            },
      ),
    );
    if (!response.succeeded) this.#throwPreconditionFailed(key, response.responses[0]?.response_range?.kvs[0]);
    // etcd answers with the read and the delete; kine with the delete alone, its prev_kvs filled in.
    const previous =
      response.responses.find((op) => op.response_delete_range)?.response_delete_range.prev_kvs[0] ??
      response.responses.find((op) => op.response_range)?.response_range.kvs[0];
    if (!previous) throw new KeyNotFoundError(`key ${key} not found`, key);
    return { ...this.#toStoredValue(previous), modRevision: Number(response.header.revision) };
  }

  async watch(options: WatchOptions, listener: WatchListener): Promise<StorageWatch> {
    const key = this.#etcdKey(options.prefix, 'prefix');
    const stream = (await this.#call(() => this.#client.watchClient.watch())) as WatchStream;
    return new Promise<StorageWatch>((resolve, reject) => {
      let established = false;
      let ended = false;
      const watch: StorageWatch = { close: () => end() };
      const end = (error?: StorageError): void => {
        if (ended) return;
        ended = true;
        this.#watches.delete(watch);
        closeWatchStream(stream);
        if (!error) return;
        if (established) listener.onError(error);
        else if (error instanceof CompactedError) {
          // The contract reports a compacted start through onError, once the watch is established.
          resolve(watch);
          queueMicrotask(() => listener.onError(error));
        } else reject(error);
      };
      stream.on('data', (response: IWatchResponse) => {
        if (ended) return;
        if (response.canceled) {
          const compactedRevision = Number(response.compact_revision);
          if (compactedRevision > 0) {
            this.#knownCompacted = Math.max(this.#knownCompacted, compactedRevision);
            end(new CompactedError(options.afterRevision, compactedRevision));
          } else end(new StorageUnavailableError(`etcd canceled the watch: ${response.cancel_reason || 'no reason given'}`));
          return;
        }
        if (response.created && !established) {
          established = true;
          this.#watches.add(watch);
          resolve(watch);
        }
        for (const event of response.events) {
          if (ended) return; // a listener may close the watch from inside onEvent
          listener.onEvent(this.#toWatchEvent(event));
        }
      });
      stream.on('error', (error: Error) => end(toStorageError(error)));
      stream.on('end', () => end(new StorageUnavailableError('etcd ended the watch stream')));
      stream.write({
        create_request: {
          key,
          range_end: Range.prefix(key).end,
          start_revision: options.afterRevision + 1,
          prev_kv: true,
        },
      });
    });
  }

  async currentRevision(): Promise<number> {
    // Any read carries the store's revision; reading the prefix key itself is the cheapest one.
    const response = await this.#call(() => this.#client.kv.range({ key: this.#prefixBytes }));
    return Number(response.header.revision);
  }

  /**
   * etcd reports its compacted revision only in watch cancels, so besides remembering what this
   * client saw, ask etcd directly: reads fail below the compacted revision and succeed from it on,
   * so a binary search over cheap count-only reads finds it (one read when nothing changed).
   */
  async compactedRevision(): Promise<number> {
    let low = Math.max(this.#knownCompacted, 1);
    if (await this.#readableAt(low)) return low;
    let high = await this.currentRevision(); // always readable
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (await this.#readableAt(middle)) high = middle;
      else low = middle;
    }
    this.#knownCompacted = Math.max(this.#knownCompacted, high);
    return high;
  }

  async compact(revision: number): Promise<void> {
    this.#requireOpen();
    try {
      await this.#client.kv.compact({ revision, physical: true });
    } catch (error) {
      // Compacting again at or below what is already compacted is a no-op, as in the memory driver.
      if (!isCompacted(error)) throw toStorageError(error, revision);
    }
    this.#knownCompacted = Math.max(this.#knownCompacted, revision);
  }

  async ping(): Promise<void> {
    await this.#call(() =>
      this.#client.kv.range({ key: this.#prefixBytes }, { deadline: Date.now() + this.#pingTimeoutMs }),
    );
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const watch of [...this.#watches]) watch.close();
    this.#client.close();
  }

  /** Runs an etcd call, turning every failure into a StorageError. */
  async #call<T>(operation: () => Promise<T>, revision?: number): Promise<T> {
    this.#requireOpen();
    try {
      return await operation();
    } catch (error) {
      if (revision !== undefined && isCompacted(error)) {
        throw new CompactedError(revision, await this.compactedRevision());
      }
      throw toStorageError(error, revision);
    }
  }

  async #readableAt(revision: number): Promise<boolean> {
    this.#requireOpen();
    try {
      await this.#client.kv.range({ key: this.#prefixBytes, revision });
      return true;
    } catch (error) {
      if (isCompacted(error)) return false;
      throw toStorageError(error);
    }
  }

  #requireOpen(): void {
    if (this.#closed) throw new StorageUnavailableError('etcd storage is closed');
  }

  #modRevisionIs(etcdKey: Buffer, expectedModRevision: number) {
    return { key: etcdKey, target: 'Mod' as const, result: 'Equal' as const, mod_revision: expectedModRevision };
  }

  /**
   * An absent key has mod revision 0 in etcd's compares, so "expect revision 0" would match it and
   * write. No stored key has a revision below 1: answer such an expectation without writing.
   */
  async #refuseImpossibleRevision(key: string, expectedModRevision: number): Promise<void> {
    if (expectedModRevision >= 1) return;
    const current = await this.get(key);
    if (!current) throw new KeyNotFoundError(`key ${key} not found`, key);
    throw new RevisionConflictError(key, current.modRevision);
  }

  async #readAt(etcdKey: Buffer, revision: number): Promise<IKeyValue | undefined> {
    const response = await this.#call(() => this.#client.kv.range({ key: etcdKey, revision }), revision);
    return response.kvs[0];
  }

  #throwPreconditionFailed(key: string, current: IKeyValue | undefined): never {
    if (!current) throw new KeyNotFoundError(`key ${key} not found`, key);
    throw new RevisionConflictError(key, Number(current.mod_revision));
  }

  /** Storage keys are absolute paths inside the prefix directory: '/a/b' under '/kamaji/' is '/kamaji/a/b'. */
  #etcdKey(key: string, what: 'key' | 'prefix' | 'startAfter' = 'key'): Buffer {
    requireAbsoluteKey(key, what);
    return Buffer.from(this.prefix.slice(0, -1) + key);
  }

  #storageKey(etcdKey: Buffer): string {
    return etcdKey.subarray(this.#prefixBytes.length - 1).toString();
  }

  #toStoredValue(kv: IKeyValue): StoredValue {
    return {
      key: this.#storageKey(kv.key),
      value: kv.value,
      createRevision: Number(kv.create_revision),
      modRevision: Number(kv.mod_revision),
    };
  }

  #toWatchEvent(event: IEvent): StorageWatchEvent {
    const previous = event.prev_kv ?? undefined;
    const prevValue = previous?.value;
    if (event.type === 'Delete') {
      // etcd's delete event carries only the key and revision; the deleted value is the previous one.
      return {
        type: 'delete',
        key: this.#storageKey(event.kv.key),
        value: prevValue ?? new Uint8Array(),
        ...(prevValue && { prevValue }),
        modRevision: Number(event.kv.mod_revision),
        // etcd keeps the create revision in prev_kv (kine does not record it for deletes: 0 there).
        createRevision: Number(previous?.create_revision ?? 0),
      };
    }
    return {
      type: 'put',
      key: this.#storageKey(event.kv.key),
      value: event.kv.value,
      ...(prevValue && { prevValue }),
      modRevision: Number(event.kv.mod_revision),
      createRevision: Number(event.kv.create_revision),
    };
  }
}

/**
 * Cancels a watch's gRPC call, which is what makes etcd drop the watcher (half-closing is not
 * enough: etcd keeps the stream and its watchers until the call ends). etcd3's own error listener
 * on the stream would take the resulting CANCELLED for a host failure and reset every connection
 * to that host, so it is replaced first.
 */
function closeWatchStream(stream: WatchStream): void {
  stream.removeAllListeners('error');
  stream.on('error', () => {});
  stream.cancel();
}
