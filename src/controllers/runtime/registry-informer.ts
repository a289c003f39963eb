// Keeps a cache of one registry resource and reports changes, in-process over ResourceStore:
// list, then watch from the list's resourceVersion; a 410 (compacted revision) or a watch that
// ends starts over with a fresh list. One informer per resource is shared by every controller
// (each watch holds its own copy of every object).
import type { Logger } from 'pino';
import type { KubeObject, Status } from '../../apis/meta.ts';
import type { ResourceStore, WatchEvent, WatchSubscription } from '../../registry/store.ts';
import { errorMessage } from './controller.ts';

export type InformerEventType = 'ADDED' | 'MODIFIED' | 'DELETED';
/** `previous` is the cached object a MODIFIED replaces, so a handler can ignore changes it does not care about. */
export type InformerHandler<T extends KubeObject> = (type: InformerEventType, object: T, previous?: T) => void;

/** What a reconciler reads: the informer's cache, never the storage behind it. */
export type InformerCache<T extends KubeObject = KubeObject> = Pick<RegistryInformer<T>, 'get' | 'list'>;

const RELIST_DELAY_MS = 1_000;

/**
 * Controllers never read who owns which field, and managedFields are a third of a stored tcp: the
 * cache keeps objects without them (as client-go informers are often told to). Writes from a cached
 * object keep the stored managedFields: a status update or patch that leaves them out changes none.
 */
function withoutManagedFields<T extends KubeObject>(object: T): T {
  if (object.metadata.managedFields === undefined) return object;
  const { managedFields: _dropped, ...metadata } = object.metadata;
  return { ...object, metadata };
}

export function objectKey(object: { metadata: { namespace?: string; name?: string } }): string {
  const { namespace, name = '' } = object.metadata;
  return namespace ? `${namespace}/${name}` : name;
}

export class RegistryInformer<T extends KubeObject = KubeObject> {
  readonly #store: ResourceStore<T>;
  readonly #logger: Logger;
  readonly #handlers: InformerHandler<T>[] = [];
  readonly #cache = new Map<string, T>();
  #subscription: WatchSubscription | undefined;
  #started = false;
  #stopped = false;
  #synced: Promise<void>;
  #markSynced: () => void = () => {};

  constructor(store: ResourceStore<T>, logger: Logger) {
    this.#store = store;
    this.#logger = logger.child({ informer: store.declaration.plural });
    this.#synced = new Promise((resolve) => (this.#markSynced = resolve));
  }

  /**
   * A handler added after the start is told of the cached objects first, as ADDED. Returns what
   * removes it again (a controller that stops while the informer goes on serving others).
   */
  on(handler: InformerHandler<T>): () => void {
    this.#handlers.push(handler);
    for (const object of this.#cache.values()) handler('ADDED', object);
    return () => {
      const index = this.#handlers.indexOf(handler);
      if (index >= 0) this.#handlers.splice(index, 1);
    };
  }

  /** Starts listing and watching (once, however many call it); resolves once the first list is in the cache. */
  start(): Promise<void> {
    if (!this.#started) {
      this.#started = true;
      void this.#run();
    }
    return this.#synced;
  }

  stop(): void {
    this.#stopped = true;
    this.#subscription?.close();
  }

  list(): T[] {
    return [...this.#cache.values()];
  }

  get(key: string): T | undefined {
    return this.#cache.get(key);
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      try {
        const resourceVersion = await this.#relist();
        this.#markSynced();
        await this.#watch(resourceVersion);
      } catch (error) {
        this.#logger.warn({ err: errorMessage(error) }, 'list or watch failed; starting over');
      }
      if (!this.#stopped) await new Promise((resolve) => setTimeout(resolve, RELIST_DELAY_MS).unref());
    }
  }

  async #relist(): Promise<string> {
    const list = await this.#store.list({});
    const seen = new Set<string>();
    for (const object of list.items.map(withoutManagedFields)) {
      const key = objectKey(object);
      seen.add(key);
      const cached = this.#cache.get(key);
      this.#cache.set(key, object);
      if (!cached) this.#emit('ADDED', object);
      else if (cached.metadata.resourceVersion !== object.metadata.resourceVersion) this.#emit('MODIFIED', object, cached);
    }
    for (const [key, object] of this.#cache) {
      if (!seen.has(key)) {
        this.#cache.delete(key);
        this.#emit('DELETED', object);
      }
    }
    return list.metadata.resourceVersion ?? '';
  }

  /** Resolves when the watch ends (error, 410, store closing) so the caller relists. */
  async #watch(resourceVersion: string): Promise<void> {
    let ended!: () => void;
    const finished = new Promise<void>((resolve) => (ended = resolve));
    const subscription = await this.#store.watch({ resourceVersion, allowWatchBookmarks: true }, (event) =>
      this.#onEvent(event, ended),
    );
    this.#subscription = subscription;
    if (this.#stopped) subscription.close();
    await Promise.race([finished, subscription.done]);
    subscription.close();
  }

  #onEvent(event: WatchEvent, ended: () => void): void {
    if (event.type === 'BOOKMARK') return;
    if (event.type === 'ERROR') {
      const status = event.object as Status;
      this.#logger.info({ code: status.code, reason: status.reason }, 'watch ended with an error; relisting');
      ended();
      return;
    }
    const object = withoutManagedFields(event.object as T);
    const key = objectKey(object);
    const previous = this.#cache.get(key);
    if (event.type === 'DELETED') this.#cache.delete(key);
    else this.#cache.set(key, object);
    this.#emit(event.type, object, event.type === 'MODIFIED' ? previous : undefined);
  }

  #emit(type: InformerEventType, object: T, previous?: T): void {
    for (const handler of this.#handlers) handler(type, object, previous);
  }
}
