// The generic REST store: every declared kind gets kube-apiserver's object semantics (create,
// update, patch incl. server-side apply, graceful delete, list with pagination, watch) on top of
// the Storage interface. Kind-specific behaviour comes only from the declaration and the
// admission hooks main.ts plugs in.
import type { Logger } from 'pino';
import { parse as parseYaml } from 'yaml';
import type { DefaultingContext, ResourceDeclaration, ScaleSubresource } from '../apis/declaration.ts';
import type { JsonValue, KubeList, KubeObject } from '../apis/meta.ts';
import type { Scale } from '../apis/scale.ts';
import { KeyExistsError, KeyNotFoundError, RevisionConflictError } from '../storage/errors.ts';
import { DELETE_KEY, guaranteedUpdate } from '../storage/guaranteed-update.ts';
import type { Storage, StoredValue } from '../storage/storage.ts';
import { type AdmissionHook, type AdmissionRequest, admit } from './admission.ts';
import { decodeObject, encodeObject } from './codec.ts';
import { checkPreconditions, finalizersForDeletion, markAsDeleting, shouldDeleteDuringUpdate } from './deletion.ts';
import { ApiError, badRequest, conflict, invalid, notFound, OBJECT_MODIFIED, type ResourceName } from './errors.ts';
import { listPrefix, objectKey } from './keys.ts';
import { applyConfiguration, updateManagedFields } from './managedfields/index.ts';
import {
  ensureNameMatches,
  ensureNamespaceMatches,
  finalizerWarnings,
  generateName,
  rfc3339Seconds,
} from './object-meta.ts';
import { applyJsonPatch, applyMergePatch } from './patch.ts';
import {
  continueTooOld,
  decodeContinue,
  encodeContinue,
  listTooOld,
  parseResourceVersion,
  validateListOptions,
  waitForRevision,
} from './resource-version.ts';
import { decodeScale, decodeScaleApplyConfiguration, readScale, scaleJson, scaleOf, scaleToPatch, withScaledReplicas } from './scale.ts';
import { objectFilter } from './selectors.ts';
import { toApiError } from './storage-errors.ts';
import type {
  DeleteOptions,
  DeleteResult,
  GetOptions,
  ListRequest,
  PatchOptions,
  PatchType,
  ResourceStore,
  WatchEvent,
  WatchRequest,
  WatchSubscription,
  WriteOptions,
  WriteResult,
  WriteTarget,
} from './store.ts';
import { WriteStrategy } from './strategy.ts';
import { WatchCache, type WatchCacheOptions } from './watch-cache.ts';
import { fieldManagerOf, validateDeleteOptions, validatePatchOptions, validateWriteOptions } from './write-options.ts';
import { CompactedError } from '../storage/errors.ts';

export interface ResourceStoreOptions {
  defaulting: DefaultingContext;
  admission?: readonly AdmissionHook[];
  clock?: () => Date;
  /** How generateName picks a name; tests pass a fixed one to provoke collisions. */
  nameGenerator?: (prefix: string) => string;
  watchCache?: WatchCacheOptions;
  /** Where causes of internal errors go (they never reach the client). */
  logger?: Logger;
  /** How long a request for a future resourceVersion waits before the 504. */
  futureRevisionWaitMs?: number;
}

/** A ResourceStore with a lifecycle: its watch cache syncs in the background and closes with it. */
export interface ManagedResourceStore<T extends KubeObject = KubeObject> extends ResourceStore<T> {
  /** True once the watch cache has loaded the current state (readiness). */
  readonly synced: boolean;
  whenSynced(): Promise<void>;
  close(): void;
}

// kube-apiserver retries a generated name that collides this many times (RetryGenerateName).
const GENERATE_NAME_ATTEMPTS = 8;
// Lost write races are retried; past this, something is badly wrong.
const MAX_RACE_RETRIES = 100;

/** Which part of the object a write goes through; managedFields record it as the subresource. */
type Subresource = WriteTarget | 'scale';

/** What a write computed from the stored state: an object to store, or a deletion (emptied finalizers). */
type Outcome<T> = { object: T; remove: boolean; warnings: string[] };

/** Names and namespaces become key segments: kube's path-segment rules keep keys unambiguous. */
function checkPathSegment(value: string, what: 'name' | 'namespace'): void {
  if (value === '.' || value === '..' || value.includes('/') || value.includes('%')) {
    throw badRequest(`invalid resource ${what} ${JSON.stringify(value)}: may not be '.' or '..' and may not contain '/' or '%'`);
  }
}

/**
 * An apply configuration is YAML, but what arrives is nearly always JSON (kubectl sends JSON, and
 * the HTTP layer hands on the YAML it parsed as JSON): JSON.parse reads that several times faster
 * than the YAML parser, which stays the fallback for anything else.
 */
function parseApplyPatch(patchText: string): unknown {
  if (patchText.trimStart().startsWith('{')) {
    try {
      return JSON.parse(patchText);
    } catch {
      // Not JSON after all (flow-style YAML): the YAML parser decides.
    }
  }
  try {
    return parseYaml(patchText);
  } catch (error) {
    throw badRequest(`error decoding YAML: ${(error as Error).message}`);
  }
}

/** A delete that would change nothing, computed from a cached copy: it needs a fresh read to stand. */
const STALE_NO_OP = new Error('no-op computed from a cached copy');

function isLostRace(error: unknown): boolean {
  return error instanceof RevisionConflictError || error instanceof KeyNotFoundError || error instanceof KeyExistsError;
}

export function createResourceStore<T extends KubeObject = KubeObject>(
  declaration: ResourceDeclaration<T>,
  storage: Storage,
  options: ResourceStoreOptions,
): ManagedResourceStore<T> {
  return new GenericResourceStore(declaration, storage, options);
}

class GenericResourceStore<T extends KubeObject> implements ManagedResourceStore<T> {
  readonly declaration: ResourceDeclaration<T>;
  readonly #storage: Storage;
  readonly #strategy: WriteStrategy<T>;
  readonly #admission: readonly AdmissionHook[];
  readonly #clock: () => Date;
  readonly #nameGenerator: (prefix: string) => string;
  readonly #resource: ResourceName;
  readonly #namespaced: boolean;
  readonly #cache: WatchCache<T>;
  readonly #logger: Logger | undefined;
  readonly #futureRevisionWaitMs: number | undefined;

  constructor(declaration: ResourceDeclaration<T>, storage: Storage, options: ResourceStoreOptions) {
    this.declaration = declaration;
    this.#storage = storage;
    this.#strategy = new WriteStrategy(declaration, options.defaulting);
    this.#admission = options.admission ?? [];
    this.#clock = options.clock ?? (() => new Date());
    this.#nameGenerator = options.nameGenerator ?? generateName;
    this.#resource = { group: declaration.group, resource: declaration.plural };
    this.#namespaced = declaration.scope === 'Namespaced';
    this.#logger = options.logger;
    this.#futureRevisionWaitMs = options.futureRevisionWaitMs;
    this.#cache = new WatchCache<T>({
      storage,
      layout: this.#layout,
      resource: this.#resource,
      apiVersion: this.#strategy.apiVersion,
      kind: declaration.kind,
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.futureRevisionWaitMs !== undefined ? { futureRevisionWaitMs: options.futureRevisionWaitMs } : {}),
      ...options.watchCache,
    });
    this.#cache.start();
  }

  get synced(): boolean {
    return this.#cache.synced;
  }

  whenSynced(): Promise<void> {
    return this.#cache.whenSynced();
  }

  close(): void {
    this.#cache.close();
  }

  get #layout() {
    return { group: this.declaration.group, plural: this.declaration.plural, namespaced: this.#namespaced };
  }

  /** The namespace a request means: none for cluster-scoped kinds. */
  #scope(namespace: string | undefined): string | undefined {
    if (!this.#namespaced || !namespace) return undefined;
    checkPathSegment(namespace, 'namespace');
    return namespace;
  }

  #key(namespace: string | undefined, name: string): string {
    if (!name) throw badRequest('resource name may not be empty');
    checkPathSegment(name, 'name');
    const scoped = this.#scope(namespace);
    if (this.#namespaced && !scoped) throw badRequest(`a namespace is required for ${this.declaration.plural}`);
    return objectKey(this.#layout, scoped, name);
  }

  /** Maps any failure to a Status error; causes of internal errors are logged here, once. */
  #fail(error: unknown, name: string): ApiError {
    const apiError = toApiError(error, this.#resource, name);
    if (apiError.code >= 500 && !(error instanceof ApiError)) {
      this.#logger?.error({ err: error, resource: this.declaration.plural, name }, 'storage request failed');
    }
    return apiError;
  }

  async #call<R>(name: string, op: () => Promise<R>): Promise<R> {
    try {
      return await op();
    } catch (error) {
      throw this.#fail(error, name);
    }
  }

  #decode(stored: StoredValue): T {
    return decodeObject<T>(stored.value, stored.modRevision);
  }

  #invalid(name: string, errors: Parameters<typeof invalid>[3]): void {
    if (errors.length > 0) throw invalid(this.declaration.group, this.declaration.kind, name, errors);
  }

  async #admit(request: AdmissionRequest): Promise<void> {
    await admit(this.#admission, this.declaration, request);
  }

  #managedFields(live: T | undefined, updated: T, manager: string, subresource: Subresource): void {
    updated.metadata.managedFields = updateManagedFields({
      live,
      updated,
      manager,
      ...(subresource !== 'main' ? { subresource } : {}),
      apiVersion: this.#strategy.apiVersion,
      time: rfc3339Seconds(this.#clock()),
      schema: this.declaration.schema,
    });
  }

  // ---- reads ----------------------------------------------------------------------------------------

  async get(namespace: string | undefined, name: string, options: GetOptions = {}): Promise<T> {
    const key = this.#key(namespace, name);
    const requested = parseResourceVersion(options.resourceVersion);
    if (requested === 0) {
      const cached = this.#cache.cached(key);
      if (cached) {
        if (!cached.object) throw notFound(this.#resource, name);
        return cached.object;
      }
    } else if (requested !== undefined) {
      await this.#call(name, () => waitForRevision(() => this.#storage.currentRevision(), requested, this.#futureRevisionWaitMs));
    }
    const stored = await this.#call(name, () => this.#storage.get(key));
    if (!stored) throw notFound(this.#resource, name);
    return this.#decode(stored);
  }

  async list(request: ListRequest): Promise<KubeList<T>> {
    validateListOptions(request, false);
    const filter = objectFilter(request.labelSelector, request.fieldSelector);
    const prefix = listPrefix(this.#layout, this.#scope(request.namespace));
    const limit = request.limit && request.limit > 0 ? request.limit : undefined;
    const requested = parseResourceVersion(request.resourceVersion);

    if (requested === 0 && !request.continue && !limit) {
      // "Any recent state" without pagination: the watch cache answers without a storage round trip.
      const cached = this.#cache.snapshot(this.#scope(request.namespace));
      if (cached) {
        return {
          apiVersion: this.#strategy.apiVersion,
          kind: this.declaration.listKind,
          metadata: { resourceVersion: String(cached.revision) },
          items: cached.objects.filter((object) => filter.matches(object)),
        };
      }
    }

    let revision: number | undefined;
    let startAfter: string | undefined;
    if (request.continue) {
      const point = decodeContinue(request.continue, prefix);
      startAfter = point.lastKey;
      revision = point.revision === -1 ? undefined : point.revision;
    } else if (requested !== undefined && requested > 0) {
      if (request.resourceVersionMatch === 'Exact') revision = requested;
      else await this.#call('', () => waitForRevision(() => this.#storage.currentRevision(), requested, this.#futureRevisionWaitMs));
    }

    const items: T[] = [];
    let snapshot: number | undefined = revision;
    let lastKey: string | undefined;
    let more = false;
    let remaining: number | undefined;
    try {
      for (;;) {
        const page = await this.#storage.list({
          prefix,
          ...(limit ? { limit: Math.max(limit - items.length, limit) } : {}),
          ...(startAfter ? { startAfter } : {}),
          ...(snapshot !== undefined ? { revision: snapshot } : {}),
        });
        snapshot = page.revision;
        let index = 0;
        for (; index < page.items.length && !(limit && items.length >= limit); index++) {
          const stored = page.items[index]!;
          startAfter = stored.key;
          const object = this.#decode(stored);
          if (filter.matches(object)) {
            items.push(object);
            lastKey = stored.key;
          }
        }
        const leftInPage = page.items.length - index;
        if (limit && items.length >= limit) {
          more = leftInPage > 0 || page.more;
          if (more && filter.everything && page.remaining !== undefined) remaining = leftInPage + page.remaining;
          break;
        }
        if (!page.more) break;
      }
    } catch (error) {
      if (error instanceof CompactedError) {
        throw request.continue ? continueTooOld(startAfter ?? prefix, prefix) : listTooOld();
      }
      throw this.#fail(error, '');
    }
    return {
      apiVersion: this.#strategy.apiVersion,
      kind: this.declaration.listKind,
      metadata: {
        resourceVersion: String(snapshot),
        ...(more && lastKey ? { continue: encodeContinue({ lastKey, revision: snapshot! }, prefix) } : {}),
        ...(more && remaining !== undefined ? { remainingItemCount: remaining } : {}),
      },
      items,
    };
  }

  async watch(request: WatchRequest, onEvent: (event: WatchEvent) => void): Promise<WatchSubscription> {
    validateListOptions(request, true);
    const filter = objectFilter(request.labelSelector, request.fieldSelector);
    return this.#cache.watch({ ...request, namespace: this.#scope(request.namespace) }, filter, onEvent);
  }

  // ---- create ---------------------------------------------------------------------------------------

  async create(namespace: string | undefined, body: unknown, options: WriteOptions): Promise<WriteResult<T>> {
    validateWriteOptions('CreateOptions', options);
    const object = this.#strategy.decode(body);
    const warnings = this.#strategy.dropUnknownFields(object, options.fieldValidation);
    const manager = fieldManagerOf(options);
    const created = await this.#createObject(namespace, object, options, (o) => this.#managedFields(undefined, o, manager, 'main'));
    return { object: created.object, warnings: [...warnings, ...created.warnings], created: true };
  }

  /** BeforeCreate, validation, admission and the write; `track` sets managedFields on the final object. */
  async #createObject(
    namespace: string | undefined,
    object: T,
    options: WriteOptions,
    track: (object: T) => void,
  ): Promise<{ object: T; warnings: string[] }> {
    this.#strategy.applyDefaults(object);
    ensureNamespaceMatches(object.metadata, this.#scope(namespace));
    this.#strategy.prepareForCreate(object, this.#clock());
    const generate = !object.metadata.name && object.metadata.generateName ? object.metadata.generateName : undefined;
    if (generate !== undefined) object.metadata.name = this.#nameGenerator(generate);
    track(object);
    const name = object.metadata.name ?? '';
    this.#invalid(name, this.#strategy.validateCreate(object));
    await this.#admit({ operation: 'CREATE', object, user: options.user, dryRun: Boolean(options.dryRun) });
    const warnings = finalizerWarnings(object.metadata);
    if (options.dryRun) return { object, warnings };

    for (let attempt = 1; ; attempt++) {
      const key = this.#key(object.metadata.namespace, object.metadata.name!);
      try {
        const created = await this.#storage.create(key, encodeObject(object));
        this.#cache.wrote(key, created.modRevision, created);
        return { object: this.#decode(created), warnings };
      } catch (error) {
        if (!(error instanceof KeyExistsError) || generate === undefined) throw this.#fail(error, object.metadata.name!);
        if (attempt >= GENERATE_NAME_ATTEMPTS) throw this.#generateNameConflict(object.metadata.name!);
        object.metadata.name = this.#nameGenerator(generate);
      }
    }
  }

  #generateNameConflict(name: string): ApiError {
    const { group, resource } = this.#resource;
    return new ApiError(
      409,
      'AlreadyExists',
      `${resource}.${group} "${name}" already exists, the server was not able to generate a unique name for the object`,
      { name, group, kind: resource, retryAfterSeconds: 1 },
    );
  }

  // ---- update and patch -----------------------------------------------------------------------------

  #requireTarget(target: WriteTarget): void {
    if (target === 'status' && !this.declaration.statusSubresource) {
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    }
  }

  async update(
    namespace: string | undefined,
    name: string,
    body: unknown,
    options: WriteOptions & { target?: WriteTarget },
  ): Promise<WriteResult<T>> {
    validateWriteOptions('UpdateOptions', options);
    const target = options.target ?? 'main';
    this.#requireTarget(target);
    const object = this.#strategy.decode(body);
    const warnings = this.#strategy.dropUnknownFields(object, options.fieldValidation);
    ensureNamespaceMatches(object.metadata, this.#scope(namespace));
    ensureNameMatches(object.metadata, name, this.#scope(namespace));
    const manager = fieldManagerOf(options);
    const written = await this.#write(namespace, name, options, async (existing) => {
      const requested = object.metadata.resourceVersion;
      if (!requested) throw this.#resourceVersionRequired(name);
      parseResourceVersion(requested);
      if (requested !== existing.metadata.resourceVersion) throw conflict(this.#resource, name, OBJECT_MODIFIED);
      const next = this.#strategy.prepareForUpdate(structuredClone(object), existing, target);
      this.#managedFields(existing, next, manager, target);
      return next;
    });
    return { object: written.object, warnings: [...warnings, ...written.warnings], created: false };
  }

  /** kube reports this one on the resource (not the kind) with Go's rendering of a zero uint64. */
  #resourceVersionRequired(name: string): ApiError {
    const { group, resource } = this.#resource;
    const cause = 'Invalid value: 0x0: must be specified for an update';
    return new ApiError(422, 'Invalid', `${resource}.${group} "${name}" is invalid: metadata.resourceVersion: ${cause}`, {
      name,
      group,
      kind: resource,
      causes: [{ reason: 'FieldValueInvalid', message: cause, field: 'metadata.resourceVersion' }],
    });
  }

  async patch(
    namespace: string | undefined,
    name: string,
    type: PatchType,
    patchText: string,
    options: PatchOptions & { target?: WriteTarget },
  ): Promise<WriteResult<T>> {
    validatePatchOptions(type, options);
    const target = options.target ?? 'main';
    this.#requireTarget(target);
    if (type === 'apply') {
      const applied = this.#strategy.decode(parseApplyPatch(patchText));
      const warnings = this.#strategy.dropUnknownFields(applied, options.fieldValidation);
      ensureNamespaceMatches(applied.metadata, this.#scope(namespace));
      ensureNameMatches(applied.metadata, name, this.#scope(namespace));
      this.#strategy.trimAppliedConfiguration(applied, target);
      const result = await this.#apply(namespace, name, applied, options, target);
      return { ...result, warnings: [...warnings, ...result.warnings] };
    }
    const manager = fieldManagerOf(options);
    let warnings: string[] = [];
    const written = await this.#write(namespace, name, options, async (existing) => {
      const patched =
        type === 'json' ? applyJsonPatch(existing as unknown as JsonValue, patchText) : applyMergePatch(existing as unknown as JsonValue, patchText);
      const object = this.#strategy.decode(patched);
      warnings = this.#strategy.dropUnknownFields(object, options.fieldValidation);
      ensureNameMatches(object.metadata, name, this.#scope(namespace));
      this.#checkPatchedResourceVersion(object, existing, name);
      const next = this.#strategy.prepareForUpdate(object, existing, target);
      this.#managedFields(existing, next, manager, target);
      return next;
    });
    return { object: written.object, warnings: [...warnings, ...written.warnings], created: false };
  }

  /** Patches are unconditional unless they set metadata.resourceVersion themselves. */
  #checkPatchedResourceVersion(object: T, existing: T, name: string): void {
    const requested = object.metadata.resourceVersion;
    if (requested === undefined || requested === '') object.metadata.resourceVersion = existing.metadata.resourceVersion!;
    else this.#checkPrecondition(requested, existing, name);
  }

  /**
   * Server-side apply of a configuration already cut to what `subresource` may own. Only the main
   * resource creates a missing object; the scale subresource writes through the main strategy.
   */
  async #apply(
    namespace: string | undefined,
    name: string,
    applied: T,
    options: PatchOptions,
    subresource: Subresource,
  ): Promise<WriteResult<T>> {
    const target: WriteTarget = subresource === 'status' ? 'status' : 'main';
    const merge = (live: T | undefined) =>
      applyConfiguration({
        live,
        applied: structuredClone(applied),
        manager: options.fieldManager!,
        force: options.force ?? false,
        ...(subresource !== 'main' ? { subresource } : {}),
        apiVersion: this.#strategy.apiVersion,
        time: rfc3339Seconds(this.#clock()),
        schema: this.declaration.schema,
      }) as T;

    const key = this.#key(namespace, name);
    for (let attempt = 1; ; attempt++) {
      // The first attempt believes the watch cache; a dry run (which writes nothing that would
      // reveal a stale copy) and a retry after a lost race read storage.
      const cached = attempt === 1 && !options.dryRun ? this.#cache.suggestion(key) : undefined;
      const current = cached ?? (await this.#call(name, () => this.#storage.get(key))) ?? 'absent';
      if (current === 'absent' && subresource === 'main') {
        try {
          if (applied.metadata.resourceVersion) throw notFound(this.#resource, name);
          await options.authorizeCreate?.();
          const object = merge(undefined);
          delete object.metadata.resourceVersion;
          const created = await this.#createObject(namespace, object, options, () => {});
          return { ...created, created: true };
        } catch (error) {
          // Someone created it meanwhile: apply to theirs. A refusal computed from the cache's
          // "absent" (a configuration incomplete for a create, say) stands only if storage agrees.
          const exists = error instanceof ApiError && error.reason === 'AlreadyExists';
          if ((exists || cached !== undefined) && attempt < MAX_RACE_RETRIES) continue;
          throw error;
        }
      }
      try {
        const written = await this.#write(
          namespace,
          name,
          options,
          async (existing) => {
            const object = merge(existing);
            this.#checkPatchedResourceVersion(object, existing, name);
            if (applied.metadata.resourceVersion && applied.metadata.resourceVersion !== existing.metadata.resourceVersion) {
              throw conflict(this.#resource, name, OBJECT_MODIFIED);
            }
            return this.#strategy.prepareForUpdate(object, existing, target);
          },
          current,
        );
        return { ...written, created: false };
      } catch (error) {
        // Deleted meanwhile: the main resource creates it again, as it would have.
        const gone = error instanceof ApiError && error.code === 404 && error.reason === 'NotFound';
        if (gone && subresource === 'main' && !applied.metadata.resourceVersion && attempt < MAX_RACE_RETRIES) continue;
        throw error;
      }
    }
  }

  /**
   * The read-modify-write of update, patch and apply: `produce` turns the stored object into the
   * one to store (and may be called again after a lost race); then validation, admission, the write.
   */
  async #write(
    namespace: string | undefined,
    name: string,
    options: WriteOptions,
    produce: (existing: T) => Promise<T>,
    start?: StoredValue | 'absent',
  ): Promise<{ object: T; warnings: string[] }> {
    const key = this.#key(namespace, name);
    const compute = async (current: StoredValue | undefined): Promise<Outcome<T>> => {
      if (!current) throw notFound(this.#resource, name);
      const existing = this.#decode(current);
      const object = await produce(this.#decode(current));
      this.#invalid(name, this.#strategy.validateUpdate(object, existing));
      await this.#admit({ operation: 'UPDATE', object, oldObject: existing, user: options.user, dryRun: Boolean(options.dryRun) });
      return { object, remove: shouldDeleteDuringUpdate(object), warnings: finalizerWarnings(object.metadata, existing.metadata) };
    };

    if (options.dryRun) {
      // Nothing is written that could reveal a stale cache: a dry run reads storage.
      const current = await this.#call(name, () => this.#storage.get(key));
      const { object, warnings } = await compute(current);
      return { object, warnings };
    }
    // What the cache holds saves the read; guaranteedUpdate confirms it before trusting a no-op or a refusal.
    const suggestion = start ?? this.#cache.suggestion(key);
    let outcome: Outcome<T> | undefined;
    const stored = await this.#call(name, () =>
      guaranteedUpdate(
        this.#storage,
        key,
        async (current) => {
          outcome = await compute(current);
          return outcome.remove ? DELETE_KEY : encodeObject(outcome.object);
        },
        suggestion ? { current: suggestion } : {},
      ),
    );
    if (stored) this.#cache.wrote(key, stored.modRevision, outcome?.remove ? undefined : stored);
    if (outcome?.remove) {
      const object = { ...outcome.object, metadata: { ...outcome.object.metadata, resourceVersion: String(stored!.modRevision) } };
      return { object, warnings: outcome.warnings };
    }
    return { object: this.#decode(stored!), warnings: outcome?.warnings ?? [] };
  }

  // ---- scale ----------------------------------------------------------------------------------------

  #scaleMapping(): ScaleSubresource {
    const mapping = this.declaration.scaleSubresource;
    if (!mapping) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    return mapping;
  }

  async getScale(namespace: string | undefined, name: string): Promise<Scale> {
    const mapping = this.#scaleMapping();
    return readScale(await this.get(namespace, name), mapping);
  }

  async updateScale(namespace: string | undefined, name: string, body: unknown, options: WriteOptions): Promise<WriteResult<Scale>> {
    validateWriteOptions('UpdateOptions', options);
    const mapping = this.#scaleMapping();
    const { scale, warnings } = decodeScale(body, options.fieldValidation);
    ensureNamespaceMatches(scale.metadata, this.#scope(namespace));
    ensureNameMatches(scale.metadata, name, this.#scope(namespace));
    const written = await this.#writeScale(namespace, name, options, mapping, () => scale);
    return { ...written, warnings: [...warnings, ...written.warnings] };
  }

  async patchScale(
    namespace: string | undefined,
    name: string,
    type: PatchType,
    patchText: string,
    options: PatchOptions,
  ): Promise<WriteResult<Scale>> {
    validatePatchOptions(type, options);
    const mapping = this.#scaleMapping();
    if (type === 'apply') return this.#applyScale(namespace, name, patchText, options, mapping);
    let warnings: string[] = [];
    const written = await this.#writeScale(namespace, name, options, mapping, (current) => {
      const document = scaleJson(current);
      const decoded = decodeScale(
        type === 'json' ? applyJsonPatch(document, patchText) : applyMergePatch(document, patchText),
        options.fieldValidation,
      );
      warnings = decoded.warnings;
      ensureNameMatches(decoded.scale.metadata, name, this.#scope(namespace));
      return decoded.scale;
    });
    return { ...written, warnings: [...warnings, ...written.warnings] };
  }

  /**
   * The read-modify-write of a Scale: `change` turns the object's Scale into the requested one,
   * whose spec.replicas (and resourceVersion, as a precondition) is all that reaches the object.
   */
  async #writeScale(
    namespace: string | undefined,
    name: string,
    options: WriteOptions,
    mapping: ScaleSubresource,
    change: (current: Scale) => Scale,
  ): Promise<WriteResult<Scale>> {
    const manager = fieldManagerOf(options);
    const written = await this.#write(namespace, name, options, async (existing) => {
      const scale = change(scaleToPatch(existing, mapping));
      this.#checkPrecondition(scale.metadata.resourceVersion, existing, name);
      const next = this.#strategy.prepareForUpdate(withScaledReplicas(existing, scale, mapping), existing, 'main');
      this.#managedFields(existing, next, manager, 'scale');
      return next;
    });
    return { object: scaleOf(written.object, mapping), warnings: written.warnings, created: false };
  }

  /**
   * Server-side apply of a Scale: its spec.replicas becomes an apply configuration of the object
   * holding only the mapped field, owned by the manager under the `scale` subresource.
   */
  async #applyScale(
    namespace: string | undefined,
    name: string,
    patchText: string,
    options: PatchOptions,
    mapping: ScaleSubresource,
  ): Promise<WriteResult<Scale>> {
    const { scale, warnings } = decodeScaleApplyConfiguration(parseApplyPatch(patchText), options.fieldValidation);
    ensureNamespaceMatches(scale.metadata, this.#scope(namespace));
    ensureNameMatches(scale.metadata, name, this.#scope(namespace));
    const { namespace: scaleNamespace, resourceVersion } = scale.metadata;
    const skeleton = {
      apiVersion: this.#strategy.apiVersion,
      kind: this.declaration.kind,
      metadata: { name, ...(scaleNamespace ? { namespace: scaleNamespace } : {}), ...(resourceVersion ? { resourceVersion } : {}) },
    } as T;
    const applied = scale.spec.replicas === undefined ? skeleton : withScaledReplicas(skeleton, scale, mapping);
    const written = await this.#apply(namespace, name, applied, options, 'scale');
    return { object: scaleOf(written.object, mapping), warnings: [...warnings, ...written.warnings], created: false };
  }

  /** A resourceVersion a write names must be the stored one (409 otherwise); none means unconditional. */
  #checkPrecondition(requested: string | undefined, existing: T, name: string): void {
    if (!requested || requested === existing.metadata.resourceVersion) return;
    parseResourceVersion(requested);
    throw conflict(this.#resource, name, OBJECT_MODIFIED);
  }

  // ---- delete ---------------------------------------------------------------------------------------

  async delete(namespace: string | undefined, name: string, options: DeleteOptions): Promise<DeleteResult<T>> {
    validateDeleteOptions(options);
    const key = this.#key(namespace, name);
    const read = () => this.#call(name, () => this.#storage.get(key));
    // The first attempt starts from the watch cache, as kube-apiserver's conditional delete does;
    // a dry run reads storage, since nothing written would reveal a stale copy.
    const cached = options.dryRun ? undefined : this.#cache.suggestion(key);
    let current = cached === undefined ? await read() : cached === 'absent' ? undefined : cached;
    let fresh = cached === undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#deleteFrom(key, name, current, options, fresh);
      } catch (error) {
        const lostRace = isLostRace(error) || error === STALE_NO_OP;
        const refusal = error instanceof ApiError;
        if (!lostRace && (fresh || !refusal)) throw this.#fail(error, name);
        if (attempt >= MAX_RACE_RETRIES) throw this.#fail(error, name);
        // A refusal computed from the cache stands only if storage holds the same state.
        const seen = current?.modRevision;
        current = await read();
        fresh = true;
        if (refusal && current?.modRevision === seen) throw error;
      }
    }
  }

  /** One attempt of delete from `current` (undefined: absent); a stale `current` fails its write as a lost race. */
  async #deleteFrom(key: string, name: string, current: StoredValue | undefined, options: DeleteOptions, fresh: boolean): Promise<DeleteResult<T>> {
    if (!current) throw notFound(this.#resource, name);
    const existing = this.#decode(current);
    checkPreconditions(existing, options, this.#resource);
    await this.#admit({ operation: 'DELETE', oldObject: existing, user: options.user, dryRun: Boolean(options.dryRun) });
    const finalizers = finalizersForDeletion(existing.metadata, options);
    if (finalizers.length > 0) {
      const marked = this.#decode(current);
      if (!markAsDeleting(marked, finalizers, this.#clock())) {
        // Nothing to write, so nothing confirms a cached copy: storage must.
        if (!fresh) throw STALE_NO_OP;
        return { object: existing, deleted: false };
      }
      if (options.dryRun) return { object: marked, deleted: false };
      const stored = await this.#storage.update(key, encodeObject(marked), current.modRevision);
      this.#cache.wrote(key, stored.modRevision, stored);
      return { object: this.#decode(stored), deleted: false };
    }
    if (options.dryRun) return { object: existing, deleted: true };
    const deleted = await this.#storage.delete(key, current.modRevision);
    this.#cache.wrote(key, deleted.modRevision, undefined);
    return { object: this.#decode(deleted), deleted: true };
  }

  async deleteCollection(request: ListRequest, options: DeleteOptions): Promise<KubeList<T>> {
    validateDeleteOptions(options);
    const { limit: _limit, continue: _continue, ...all } = request;
    const list = await this.list(all);
    const items: T[] = [];
    for (const item of list.items) {
      try {
        items.push((await this.delete(item.metadata.namespace, item.metadata.name!, options)).object);
      } catch (error) {
        // Gone meanwhile: deleted either way.
        if (!(error instanceof ApiError && error.code === 404)) throw error;
      }
    }
    return { ...list, items };
  }
}
