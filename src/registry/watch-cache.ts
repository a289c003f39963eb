// One storage watch per resource, fanned out to every client watch, like kube-apiserver's cacher:
// it keeps the current objects and a window of recent events, so `watch?resourceVersion=N` is
// served from memory, each watcher sees only what its namespace and selectors match (an object
// that stops matching arrives as DELETED, one that starts matching as ADDED), and a slow watcher
// is cut off instead of holding up the others.
import type { Logger } from 'pino';
import type { KubeObject, Status } from '../apis/meta.ts';
import { CompactedError } from '../storage/errors.ts';
import type { Storage, StoredValue, StorageWatch, StorageWatchEvent } from '../storage/storage.ts';
import { decodeObject } from './codec.ts';
import { ApiError, expired, type ResourceName, serviceUnavailable } from './errors.ts';
import { type KeyLayout, listPrefix, resourcePrefix } from './keys.ts';
import { parseResourceVersion, waitForRevision } from './resource-version.ts';
import type { ObjectFilter } from './selectors.ts';
import { toApiError } from './storage-errors.ts';
import type { SharedObjectJson, WatchEvent, WatchRequest, WatchSubscription } from './store.ts';
import { compareKeys } from './keys.ts';

export interface WatchCacheOptions {
  /** Events kept for watches that resume from a resourceVersion (default 10000). */
  historyLimit?: number;
  /**
   * And for at most this long (default 75 s, kube's eventFreshDuration): each old state kept costs
   * its object and its serialized text; a watch resuming from further back reads storage's history.
   */
  historyMaxAgeMs?: number;
  /** Events a watcher may have pending before it is cut off as too slow (default 1000). */
  queueLimit?: number;
  /** Bookmark period for watchers that allow bookmarks (default 60 s, kube's defaultBookmarkFrequency). */
  bookmarkIntervalMs?: number;
  /** How long a watch waits for the cache's first load before answering 503 (default 10 s). */
  syncWaitMs?: number;
  futureRevisionWaitMs?: number;
  logger?: Logger;
}

export interface WatchCacheConfig extends WatchCacheOptions {
  storage: Storage;
  layout: KeyLayout;
  resource: ResourceName;
  apiVersion: string;
  kind: string;
}

export const INITIAL_EVENTS_END_ANNOTATION = 'k8s.io/initial-events-end';

const RETRY_DELAY_MS = 1_000;

interface CachedEvent<T extends KubeObject> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  /** New state; for DELETED the last state with the delete's revision as resourceVersion. */
  object: T;
  /** State before the event (MODIFIED, DELETED). */
  previous: T | undefined;
  revision: number;
  at: number;
}

/**
 * Watch events whose object is serialized once per state and shared as JSON text: the cached
 * objects never change once made, so their text is kept beside them (a weak map, gone with them)
 * for every watcher, replay and initial list.
 */
class SharedStates {
  readonly #texts = new WeakMap<KubeObject, SharedObjectJson>();
  /** A deleted object's last state with the delete's revision as resourceVersion. */
  readonly #deleted = new WeakMap<KubeObject, { revision: number; shared: SharedObjectJson }>();

  event(type: 'ADDED' | 'MODIFIED', object: KubeObject): WatchEvent {
    let shared = this.#texts.get(object);
    if (!shared) {
      shared = { json: JSON.stringify(object) };
      this.#texts.set(object, shared);
    }
    return new SharedStateEvent(type, shared);
  }

  deleted(object: KubeObject, revision: number): WatchEvent {
    let known = this.#deleted.get(object);
    if (known?.revision !== revision) {
      const last = { ...object, metadata: { ...object.metadata, resourceVersion: String(revision) } };
      known = { revision, shared: { json: JSON.stringify(last) } };
      this.#deleted.set(object, known);
    }
    return new SharedStateEvent('DELETED', known.shared);
  }
}

/**
 * One watcher's event of a shared state. It parses an object of its own only when something reads
 * `object` (a watch stream sending JSON never does), so no watcher can change what another
 * receives; from that read on `shared` is unset, as the watcher may change its object. A class
 * rather than accessors on an object literal, which slowed every consumer's JSON.stringify of an
 * event (100 in-process watchers: 3.5 ms CPU a create instead of 2.4); toJSON keeps the JSON form
 * { type, object }.
 */
class SharedStateEvent implements WatchEvent {
  readonly type: WatchEvent['type'];
  readonly #json: string;
  #shared: SharedObjectJson | undefined;
  #object: KubeObject | Status | undefined;

  constructor(type: WatchEvent['type'], shared: SharedObjectJson) {
    this.type = type;
    this.#json = shared.json;
    this.#shared = shared;
  }

  get shared(): SharedObjectJson | undefined {
    return this.#shared;
  }

  get object(): KubeObject | Status {
    this.#shared = undefined;
    return (this.#object ??= JSON.parse(this.#json) as KubeObject);
  }

  set object(value: KubeObject | Status) {
    this.#shared = undefined;
    this.#object = value;
  }

  toJSON(): { type: WatchEvent['type']; object: KubeObject | Status } {
    return { type: this.type, object: this.object };
  }
}

/** What a watcher sends for a change, given what it matches (kube cacher's convertToWatchEvent). */
function eventFor<T extends KubeObject>(event: CachedEvent<T>, matches: (object: T) => boolean, states: SharedStates): WatchEvent | undefined {
  const now = event.type !== 'DELETED' && matches(event.object);
  const before = event.previous !== undefined && matches(event.previous);
  if (now && before) return states.event('MODIFIED', event.object);
  if (now) return states.event('ADDED', event.object);
  if (before) return states.deleted(event.type === 'DELETED' ? event.object : event.previous!, event.revision);
  return undefined;
}

function errorEvent(error: ApiError): WatchEvent {
  return { type: 'ERROR', object: error.status as Status };
}

class Watcher<T extends KubeObject> implements WatchSubscription {
  readonly done: Promise<void>;
  /** Events at or below this revision were already covered (snapshot or requested resourceVersion). */
  after: number;
  readonly #matches: (object: T) => boolean;
  readonly #onEvent: (event: WatchEvent) => void | Promise<void>;
  readonly #queue: WatchEvent[] = [];
  readonly #queueLimit: number;
  readonly #bookmarks: boolean;
  readonly #bookmark: () => WatchEvent;
  readonly #onClose: () => void;
  #timer: NodeJS.Timeout | undefined;
  #draining = false;
  #ending = false;
  #closed = false;
  #resolveDone!: () => void;

  constructor(args: {
    after: number;
    matches: (object: T) => boolean;
    onEvent: (event: WatchEvent) => void | Promise<void>;
    queueLimit: number;
    bookmarks: boolean;
    bookmarkIntervalMs: number;
    bookmark: () => WatchEvent;
    onClose: () => void;
  }) {
    this.after = args.after;
    this.#matches = args.matches;
    this.#onEvent = args.onEvent;
    this.#queueLimit = args.queueLimit;
    this.#bookmarks = args.bookmarks;
    this.#bookmark = args.bookmark;
    this.#onClose = args.onClose;
    this.done = new Promise((resolve) => (this.#resolveDone = resolve));
    if (args.bookmarks) {
      this.#timer = setInterval(() => this.#push(this.#bookmark()), args.bookmarkIntervalMs);
      this.#timer.unref();
    }
  }

  offer(event: CachedEvent<T>, states: SharedStates): void {
    if (event.revision <= this.after) return;
    this.after = event.revision;
    const converted = eventFor(event, this.#matches, states);
    if (converted) this.#push(converted);
  }

  push(event: WatchEvent): void {
    this.#push(event);
  }

  requestBookmark(): void {
    if (this.#bookmarks) this.#push(this.#bookmark());
  }

  /** Delivers an error as the last event, then ends (client-go relists on 410). */
  fail(error: ApiError): void {
    if (this.#closed || this.#ending) return;
    this.#queue.length = 0;
    this.#queue.push(errorEvent(error));
    this.#ending = true;
    this.#drain();
  }

  /** Ends after what is queued has been delivered. */
  end(): void {
    if (this.#closed || this.#ending) return;
    this.#ending = true;
    this.#drain();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue.length = 0;
    if (this.#timer) clearInterval(this.#timer);
    this.#onClose();
    this.#resolveDone();
  }

  #push(event: WatchEvent): void {
    if (this.#closed || this.#ending) return;
    if (this.#queue.length >= this.#queueLimit) {
      this.fail(expired('the watcher could not keep up with the event stream and was closed; list again and restart the watch'));
      return;
    }
    this.#queue.push(event);
    this.#drain();
  }

  #drain(): void {
    if (this.#draining) return;
    this.#draining = true;
    queueMicrotask(async () => {
      try {
        while (!this.#closed && this.#queue.length > 0) {
          const result = this.#onEvent(this.#queue.shift()!);
          // A consumer that returns a promise applies backpressure; its queue fills meanwhile.
          if (result instanceof Promise) await result;
        }
      } catch {
        this.close();
      } finally {
        this.#draining = false;
      }
      if (this.#ending && this.#queue.length === 0) this.close();
      else if (this.#queue.length > 0) this.#drain();
    });
  }
}

export class WatchCache<T extends KubeObject> {
  readonly #config: WatchCacheConfig;
  readonly #prefix: string;
  readonly #objects = new Map<string, T>();
  /** The same keys as stored: what a write starts from instead of reading storage. */
  readonly #values = new Map<string, StoredValue>();
  /** Writes of this process the storage watch has not delivered yet (undefined value: deleted). */
  readonly #ownWrites = new Map<string, { revision: number; value: StoredValue | undefined }>();
  #history: CachedEvent<T>[] = [];
  /** Every event after this revision is in #history. */
  #historyStart = 0;
  /** The cache holds the state as of this revision. */
  #revision = 0;
  readonly #watchers = new Set<Watcher<T>>();
  readonly #states = new SharedStates();
  #storageWatch: StorageWatch | undefined;
  #synced = false;
  #closed = false;
  #syncWaiters: (() => void)[] = [];
  #retryTimer: NodeJS.Timeout | undefined;

  constructor(config: WatchCacheConfig) {
    this.#config = config;
    this.#prefix = resourcePrefix(config.layout);
  }

  get synced(): boolean {
    return this.#synced;
  }

  get revision(): number {
    return this.#revision;
  }

  whenSynced(): Promise<void> {
    if (this.#synced) return Promise.resolve();
    return new Promise((resolve) => this.#syncWaiters.push(resolve));
  }

  /** Loads the objects and starts the storage watch; retries in the background until it works. */
  start(): void {
    void this.#load();
  }

  close(): void {
    this.#closed = true;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#storageWatch?.close();
    this.#storageWatch = undefined;
    for (const watcher of [...this.#watchers]) watcher.end();
  }

  async #load(): Promise<void> {
    if (this.#closed) return;
    const { storage } = this.#config;
    try {
      const listed = await storage.list({ prefix: this.#prefix });
      if (this.#closed) return;
      this.#objects.clear();
      this.#values.clear();
      for (const item of listed.items) {
        this.#objects.set(item.key, decodeObject<T>(item.value, item.modRevision));
        this.#values.set(item.key, item);
      }
      for (const [key, own] of this.#ownWrites) if (own.revision <= listed.revision) this.#ownWrites.delete(key);
      this.#history = [];
      this.#historyStart = listed.revision;
      this.#revision = listed.revision;
      const watch = await storage.watch(
        { prefix: this.#prefix, afterRevision: listed.revision },
        { onEvent: (event) => this.#apply(event), onError: (error) => this.#restart(error) },
      );
      if (this.#closed) {
        watch.close();
        return;
      }
      this.#storageWatch = watch;
      this.#synced = true;
      for (const resolve of this.#syncWaiters.splice(0)) resolve();
    } catch (error) {
      this.#config.logger?.warn({ err: error, prefix: this.#prefix }, 'watch cache could not load; retrying');
      this.#retryTimer = setTimeout(() => void this.#load(), RETRY_DELAY_MS);
      this.#retryTimer.unref();
    }
  }

  /** The storage watch ended: current watchers end (they resume from their last revision), then reload. */
  #restart(error: Error): void {
    if (this.#closed) return;
    this.#config.logger?.warn({ err: error, prefix: this.#prefix }, 'storage watch ended; reloading the watch cache');
    this.#storageWatch?.close();
    this.#storageWatch = undefined;
    this.#synced = false;
    for (const watcher of [...this.#watchers]) watcher.end();
    void this.#load();
  }

  #apply(event: StorageWatchEvent): void {
    if (event.modRevision <= this.#revision) return;
    const previous = this.#objects.get(event.key);
    const object = decodeObject<T>(event.value, event.modRevision);
    let type: CachedEvent<T>['type'];
    if (event.type === 'delete') {
      this.#objects.delete(event.key);
      this.#values.delete(event.key);
      type = 'DELETED';
    } else {
      this.#objects.set(event.key, object);
      const { key, value, createRevision, modRevision } = event;
      // A copy: a driver's bytes may be a view into a larger message (the etcd client's are).
      this.#values.set(key, { key, value: new Uint8Array(value), createRevision, modRevision });
      type = previous ? 'MODIFIED' : 'ADDED';
    }
    const own = this.#ownWrites.get(event.key);
    if (own && own.revision <= event.modRevision) this.#ownWrites.delete(event.key);
    const cached: CachedEvent<T> = { type, object, previous, revision: event.modRevision, at: Date.now() };
    this.#revision = event.modRevision;
    this.#remember(cached);
    for (const watcher of this.#watchers) watcher.offer(cached, this.#states);
  }

  #remember(event: CachedEvent<T>): void {
    this.#history.push(event);
    const limit = this.#config.historyLimit ?? 10_000;
    const oldest = event.at - (this.#config.historyMaxAgeMs ?? 75_000);
    let drop = 0;
    while (drop < this.#history.length && (this.#history.length - drop > limit || this.#history[drop]!.at < oldest)) drop++;
    if (drop > 0) {
      this.#historyStart = this.#history[drop - 1]!.revision;
      this.#history = this.#history.slice(drop);
    }
  }

  /**
   * A BOOKMARK at `revision`; a watcher fed by the cache has seen everything up to the cache's own
   * revision too (other keys' writes included), one fed by storage only up to its last event.
   */
  #bookmark(revision: number, fedByCache: boolean, initialEventsEnd = false): WatchEvent {
    return {
      type: 'BOOKMARK',
      object: {
        apiVersion: this.#config.apiVersion,
        kind: this.#config.kind,
        metadata: {
          resourceVersion: String(fedByCache ? Math.max(revision, this.#revision) : revision),
          ...(initialEventsEnd ? { annotations: { [INITIAL_EVENTS_END_ANNOTATION]: 'true' } } : {}),
        },
      },
    };
  }

  /**
   * The cached objects under a namespace (undefined: all), sorted by key, and the revision they are
   * current at; undefined until the cache has loaded. Serves `list?resourceVersion=0` (any recent state).
   */
  snapshot(namespace: string | undefined): { objects: T[]; revision: number } | undefined {
    if (!this.#synced) return undefined;
    const prefix = listPrefix(this.#config.layout, namespace);
    const keys = [...this.#objects.keys()].filter((key) => key.startsWith(prefix)).sort(compareKeys);
    const objects = keys.map((key) => {
      const { value, modRevision } = this.#values.get(key)!;
      return decodeObject<T>(value, modRevision);
    });
    return { objects, revision: this.#revision };
  }

  /**
   * What the cache holds for `key`, as storage returned it ('absent' when it holds nothing); a
   * write's first attempt starts from it instead of a read, as kube-apiserver's GuaranteedUpdate
   * starts from the watch cache's copy. A write of this process counts as soon as it returns, so a
   * client's next request finds it even before the watch delivers it; another replica's write may
   * still be missing: the write confirms the suggestion (a conflict, or a re-read before a no-op or
   * an error is reported). Undefined until the cache has loaded, and while it reloads.
   */
  suggestion(key: string): StoredValue | 'absent' | undefined {
    if (!this.#synced || this.#closed) return undefined;
    const own = this.#ownWrites.get(key);
    if (own) return own.value ?? 'absent';
    return this.#values.get(key) ?? 'absent';
  }

  /** A copy of what the cache holds for `key` (object undefined: nothing); undefined until the cache has loaded. */
  cached(key: string): { object: T | undefined } | undefined {
    if (!this.#synced || this.#closed) return undefined;
    const stored = this.#values.get(key);
    return { object: stored ? decodeObject<T>(stored.value, stored.modRevision) : undefined };
  }

  /** Records a write this process made to `key` (value undefined: deleted at `revision`) until the watch delivers it. */
  wrote(key: string, revision: number, value: StoredValue | undefined): void {
    if (this.#closed || revision <= this.#revision) return;
    const known = this.#ownWrites.get(key);
    if (!known || known.revision < revision) this.#ownWrites.set(key, { revision, value });
  }

  async #ensureSynced(): Promise<void> {
    if (this.#synced) return;
    const wait = this.#config.syncWaitMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), wait)));
    const outcome = await Promise.race([this.whenSynced().then(() => 'synced' as const), timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') throw serviceUnavailable(`the watch cache for ${this.#config.layout.plural} is not ready yet`);
  }

  /**
   * Starts a client watch. `request.namespace` is already scoped (undefined: all), `filter` parsed.
   * Resolves once the watcher is registered; events flow to `onEvent` from then on.
   */
  async watch(request: WatchRequest, filter: ObjectFilter, onEvent: (event: WatchEvent) => void): Promise<WatchSubscription> {
    if (this.#closed) throw serviceUnavailable('the server is shutting down');
    await this.#ensureSynced();
    const requested = parseResourceVersion(request.resourceVersion);
    const namespacePrefix = listPrefix(this.#config.layout, request.namespace);
    const matches = (object: T) =>
      (request.namespace === undefined || object.metadata.namespace === request.namespace) && filter.matches(object);
    const { storage } = this.#config;
    const waitFor = (revision: number) =>
      waitForRevision(() => storage.currentRevision(), revision, this.#config.futureRevisionWaitMs).catch((error: unknown) => {
        throw toApiError(error, this.#config.resource, '');
      });

    let watcher!: Watcher<T>;
    const create = (after: number) => {
      watcher = new Watcher<T>({
        after,
        matches,
        onEvent,
        queueLimit: this.#config.queueLimit ?? 1_000,
        bookmarks: Boolean(request.allowWatchBookmarks),
        bookmarkIntervalMs: this.#config.bookmarkIntervalMs ?? 60_000,
        bookmark: () => this.#bookmark(watcher.after, this.#watchers.has(watcher)),
        onClose: () => this.#watchers.delete(watcher),
      });
      return watcher;
    };
    /** Registers and replays what happened after `after`; false when the history no longer reaches back. */
    const register = (w: Watcher<T>): boolean => {
      if (w.after < this.#historyStart) return false;
      this.#watchers.add(w);
      for (const event of this.#history) w.offer(event, this.#states);
      return true;
    };
    const sendSnapshot = (w: Watcher<T>, objects: Iterable<T>, states: SharedStates) => {
      for (const object of objects) if (matches(object)) w.push(states.event('ADDED', object));
    };
    const cachedObjects = () => [...this.#objects.entries()].filter(([key]) => key.startsWith(namespacePrefix)).map(([, o]) => o);

    const initialEvents = request.sendInitialEvents ?? (requested === undefined || requested === 0 ? 'legacy' : false);
    if (initialEvents === 'legacy' || (initialEvents === true && (requested === 0 || (requested ?? 0) > 0 && requested! <= this.#revision))) {
      // From the cache: its state is a snapshot at its revision, and no await separates it from registering.
      const w = create(this.#revision);
      sendSnapshot(w, cachedObjects(), this.#states);
      if (initialEvents === true) w.push(this.#bookmark(w.after, true, true));
      register(w);
      return w;
    }
    if (initialEvents === true) {
      // A consistent snapshot at least as new as asked: read storage, then resume from the snapshot.
      if (requested) await waitFor(requested);
      const listed = await storage.list({ prefix: namespacePrefix }).catch((error: unknown) => {
        throw toApiError(error, this.#config.resource, '');
      });
      const w = create(listed.revision);
      sendSnapshot(w, listed.items.map((item) => decodeObject<T>(item.value, item.modRevision)), new SharedStates());
      w.push(this.#bookmark(listed.revision, false, true));
      if (!register(w)) this.#watchFromStorage(w, namespacePrefix);
      return w;
    }
    // No initial events: changes after the requested revision (or from now).
    let after = requested || this.#revision;
    if (requested && requested > this.#revision) after = Math.min(requested, await waitFor(requested));
    const w = create(after);
    if (!register(w)) this.#watchFromStorage(w, namespacePrefix);
    return w;
  }

  /**
   * A watcher resuming from before the history window reads the storage's own history with a watch
   * of its own; if storage compacted it too, the watcher gets 410 Expired and relists.
   */
  #watchFromStorage(watcher: Watcher<T>, prefix: string): void {
    const { storage, resource } = this.#config;
    const from = watcher.after;
    const previous = new Map<string, T>();
    const states = new SharedStates();
    let storageWatch: StorageWatch | undefined;
    let ended = false;
    const finish = () => {
      ended = true;
      storageWatch?.close();
    };
    void watcher.done.then(finish);
    storage
      .watch(
        { prefix, afterRevision: from },
        {
          onEvent: (event) => {
            const object = decodeObject<T>(event.value, event.modRevision);
            const before = previous.get(event.key) ?? (event.prevValue ? decodeObject<T>(event.prevValue, 0) : undefined);
            if (event.type === 'delete') previous.delete(event.key);
            else previous.set(event.key, object);
            const type = event.type === 'delete' ? 'DELETED' : before ? 'MODIFIED' : 'ADDED';
            watcher.offer({ type, object, previous: event.type === 'delete' ? (before ?? object) : before, revision: event.modRevision, at: Date.now() }, states);
          },
          onError: (error) => {
            if (error instanceof CompactedError) {
              watcher.fail(expired(`too old resource version: ${from} (${error.compactedRevision})`));
            } else {
              watcher.fail(toApiError(error, resource, ''));
            }
          },
        },
      )
      .then(
        (w) => {
          storageWatch = w;
          if (ended) w.close();
        },
        (error: unknown) => watcher.fail(toApiError(error, resource, '')),
      );
  }
}
