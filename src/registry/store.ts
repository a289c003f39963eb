// The registry's public contract: one ResourceStore per resource. The HTTP layer and the
// controllers both use it in-process; neither touches storage directly.
import type { CustomSubresource, PrinterColumn, ResourceDeclaration } from '../apis/declaration.ts';
import type { JsonObject, KubeList, KubeObject, Status, UserInfo } from '../apis/meta.ts';
import type { Scale } from '../apis/scale.ts';

export type FieldValidation = 'Ignore' | 'Warn' | 'Strict';

/** Who asks and how the write should behave (the query parameters of a write). */
export interface WriteOptions {
  user: UserInfo;
  /** dryRun=All: validate, default and answer as usual, but persist nothing and emit no event. */
  dryRun?: boolean;
  /** Defaults to the User-Agent's first word, as kube-apiserver does. */
  fieldManager?: string;
  userAgent?: string;
  /** Defaults to Warn. Strict ⇒ 400 on unknown fields; Warn ⇒ `warnings`. */
  fieldValidation?: FieldValidation;
}

export interface WriteResult<T extends KubeObject = KubeObject> {
  object: T;
  /** Sent as `Warning: 299 - "..."` headers. */
  warnings: string[];
  /** True when the write created the object (201). */
  created: boolean;
}

export interface GetOptions {
  /**
   * As kube's GET: none reads storage (the newest state); '0' accepts any recent state and is
   * answered from the watch cache without a storage round trip (what admission checks and other
   * readers that tolerate a lag of a few events should ask); any other is a state not older than it.
   */
  resourceVersion?: string;
}

export interface ListRequest {
  /** undefined = all namespaces (and always undefined for cluster-scoped resources). */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'NotOlderThan' | 'Exact';
}

export interface WatchRequest extends ListRequest {
  allowWatchBookmarks?: boolean;
  /** Watch-list: ADDED for the snapshot, then a BOOKMARK annotated k8s.io/initial-events-end. */
  sendInitialEvents?: boolean;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent {
  type: WatchEventType;
  /** The object; a Status for ERROR; only apiVersion/kind/metadata.resourceVersion for BOOKMARK. */
  object: KubeObject | Status;
  /**
   * `object` as JSON, serialized once for every watcher sent this same state, so a watch stream
   * writes it instead of serializing per watcher; the same instance for all of them (a key for
   * frames built from it). Absent when the event's object is not shared, and once `object` was
   * read or replaced (its reader may have changed it).
   */
  readonly shared?: SharedObjectJson;
}

export interface SharedObjectJson {
  readonly json: string;
}

export interface WatchSubscription {
  /** Stops delivery; idempotent. */
  close(): void;
  /** Resolves when the watch ended on its own (error delivered, store closing). */
  readonly done: Promise<void>;
  /**
   * Emits a BOOKMARK with the newest revision now (if the request allowed bookmarks); the HTTP layer
   * calls it just before closing a watch at `timeoutSeconds`, so clients resume without a relist.
   */
  requestBookmark(): void;
}

export type PatchType = 'json' | 'merge' | 'apply';

export interface PatchOptions extends WriteOptions {
  /** Server-side apply only: take ownership of conflicting fields. */
  force?: boolean;
  /**
   * Server-side apply only: asked before an apply creates the object, and throws (a 403) when the
   * caller may patch but not create, as kube-apiserver's patch handler authorizes `create` then.
   * Absent: in-process callers, which the registry does not authorize.
   */
  authorizeCreate?: () => Promise<void>;
}

export interface DeleteOptions {
  user: UserInfo;
  dryRun?: boolean;
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  orphanDependents?: boolean;
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface DeleteResult<T extends KubeObject = KubeObject> {
  /** The final state (deleted) or the object now marked for deletion (finalizers pending). */
  object: T;
  /** False when finalizers keep the object (deletionTimestamp set, 200 with the object). */
  deleted: boolean;
}

/** Which part of the object a write targets: the main resource ignores status, `status` only status. */
export type WriteTarget = 'main' | 'status';

export interface ResourceStore<T extends KubeObject = KubeObject> {
  readonly declaration: ResourceDeclaration<T>;
  get(namespace: string | undefined, name: string, options?: GetOptions): Promise<T>;
  list(request: ListRequest): Promise<KubeList<T>>;
  create(namespace: string | undefined, object: unknown, options: WriteOptions): Promise<WriteResult<T>>;
  update(
    namespace: string | undefined,
    name: string,
    object: unknown,
    options: WriteOptions & { target?: WriteTarget },
  ): Promise<WriteResult<T>>;
  patch(
    namespace: string | undefined,
    name: string,
    type: PatchType,
    patch: string,
    options: PatchOptions & { target?: WriteTarget },
  ): Promise<WriteResult<T>>;
  delete(namespace: string | undefined, name: string, options: DeleteOptions): Promise<DeleteResult<T>>;
  /**
   * The `scale` subresource (404 unless the kind declares one): the object as an autoscaling/v1
   * Scale. Writes take a Scale, change only the declared spec replicas field (a spec change: the
   * generation grows) and answer the Scale of the written object; a resourceVersion in the Scale
   * is a precondition, as on any update.
   */
  getScale(namespace: string | undefined, name: string): Promise<Scale>;
  updateScale(namespace: string | undefined, name: string, scale: unknown, options: WriteOptions): Promise<WriteResult<Scale>>;
  patchScale(namespace: string | undefined, name: string, type: PatchType, patch: string, options: PatchOptions): Promise<WriteResult<Scale>>;
  deleteCollection(request: ListRequest, options: DeleteOptions): Promise<KubeList<T>>;
  watch(request: WatchRequest, onEvent: (event: WatchEvent) => void): Promise<WatchSubscription>;
}

/** What a custom subresource handler (kubeconfig, join) receives. */
export interface SubresourceRequest {
  namespace: string | undefined;
  name: string;
  user: UserInfo;
  /** Query parameters, e.g. expirationSeconds. */
  query: Record<string, string>;
  /** Parsed JSON body for create; undefined for get. */
  body?: JsonObject;
  dryRun?: boolean;
}

/** Implemented outside the registry (controllers), wired in by main.ts. */
export interface SubresourceHandler {
  readonly subresource: CustomSubresource;
  /** Columns for `kubectl get --subresource NAME` (Table form); NAME is always first. */
  readonly printerColumns: readonly PrinterColumn[];
  get?(request: SubresourceRequest): Promise<KubeObject>;
  create?(request: SubresourceRequest): Promise<KubeObject>;
}

/** A served resource: its declaration, its store and its custom subresources (by name). */
export interface RegisteredResource {
  readonly declaration: ResourceDeclaration;
  readonly store: ResourceStore;
  readonly subresources: ReadonlyMap<string, SubresourceHandler>;
}
