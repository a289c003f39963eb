// The write rules the generic store applies to every kind, driven by its declaration, as
// kube-apiserver's CRD strategy does: decoding checks, unknown fields, defaults, status/spec
// separation, generation, and validation (ObjectMeta, schema, then the kind's own rules).
// The kind's own rules are typed: they run only on objects that fit the schema (see
// ResourceDeclaration), and each object is validated against the schema once per step.
import type { DefaultingContext, ResourceDeclaration } from '../apis/declaration.ts';
import type { FieldError, KubeObject } from '../apis/meta.ts';
import { applySchemaDefaults } from '../apis/schema/defaults.ts';
import { findUnknownFields, pruneUnknownFields } from '../apis/schema/unknown-fields.ts';
import { validateAgainstSchema } from '../apis/schema/validate.ts';
import { badRequest } from './errors.ts';
import {
  copyImmutableMeta,
  type ObjectMetaRules,
  prepareMetaForCreate,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from './object-meta.ts';
import { OBJECT_META_FIELDS } from './object-meta-fields.ts';
import { validateScaleFields } from './scale.ts';
import type { FieldValidation, WriteTarget } from './store.ts';

const STRING_META_FIELDS = ['name', 'generateName', 'namespace', 'uid', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp'];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringMap(value: unknown): boolean {
  return isObject(value) && Object.values(value).every((v) => typeof v === 'string');
}

/**
 * Whether the stored object fits the schema, as prepareForUpdate found, kept with the object it
 * returned for that write's validateUpdate, which takes it out (one write, one use). The store hands
 * validateUpdate its own decoding of the same stored value, so the verdict names that value by uid
 * and resourceVersion (storage gives a resourceVersion one content only) rather than by object
 * identity; a validateUpdate against any other stored value validates that one afresh.
 */
interface StoredVerdict {
  uid: string | undefined;
  resourceVersion: string;
  fits: boolean;
}

export class WriteStrategy<T extends KubeObject = KubeObject> {
  readonly declaration: ResourceDeclaration<T>;
  readonly #defaulting: DefaultingContext;
  readonly #metaRules: ObjectMetaRules;
  readonly #storedVerdicts = new WeakMap<T, StoredVerdict>();

  constructor(declaration: ResourceDeclaration<T>, defaulting: DefaultingContext) {
    this.declaration = declaration;
    this.#defaulting = defaulting;
    this.#metaRules = { namespaced: declaration.scope === 'Namespaced', nameFormat: declaration.nameFormat };
  }

  get apiVersion(): string {
    const { group, version } = this.declaration;
    return group ? `${group}/${version}` : version;
  }

  /** A request body as an object of this kind, or 400 saying what is wrong with its shape. */
  decode(body: unknown): T {
    if (!isObject(body)) throw badRequest('the request body must be a JSON object');
    const { apiVersion, kind } = body;
    if (typeof kind !== 'string' || kind === '') throw badRequest(`Object 'Kind' is missing in the request body`);
    if (typeof apiVersion !== 'string' || apiVersion === '') {
      throw badRequest(`Object 'apiVersion' is missing in the request body`);
    }
    if (apiVersion !== this.apiVersion) {
      throw badRequest(`the API version in the data (${apiVersion}) does not match the expected API version (${this.apiVersion})`);
    }
    if (kind !== this.declaration.kind) {
      throw badRequest(`the kind in the data (${kind}) does not match the expected kind (${this.declaration.kind})`);
    }
    const metadata = body.metadata ?? {};
    if (!isObject(metadata)) throw badRequest('metadata: must be an object');
    for (const field of STRING_META_FIELDS) {
      if (metadata[field] !== undefined && metadata[field] !== null && typeof metadata[field] !== 'string') {
        throw badRequest(`metadata.${field}: must be a string`);
      }
    }
    for (const field of ['labels', 'annotations']) {
      if (metadata[field] != null && !isStringMap(metadata[field])) throw badRequest(`metadata.${field}: must be a map of strings`);
    }
    for (const field of ['finalizers', 'ownerReferences', 'managedFields']) {
      if (metadata[field] != null && !Array.isArray(metadata[field])) throw badRequest(`metadata.${field}: must be a list`);
    }
    if (Array.isArray(metadata.finalizers) && metadata.finalizers.some((f) => typeof f !== 'string')) {
      throw badRequest('metadata.finalizers: must be a list of strings');
    }
    if (Array.isArray(metadata.ownerReferences) && metadata.ownerReferences.some((r) => !isObject(r))) {
      throw badRequest('metadata.ownerReferences: must be a list of objects');
    }
    for (const key of Object.keys(metadata)) if (metadata[key] === null) delete metadata[key];
    return { ...structuredClone(body), metadata: structuredClone(metadata) } as unknown as T;
  }

  /**
   * Unknown fields are always pruned; before that Strict rejects them (400) and Warn reports them.
   * Returns the warnings.
   */
  dropUnknownFields(object: T, fieldValidation: FieldValidation = 'Warn'): string[] {
    const unknown = [
      ...Object.keys(object.metadata)
        .filter((key) => !OBJECT_META_FIELDS.has(key))
        .map((key) => `metadata.${key}`),
      ...findUnknownFields(this.declaration.schema, object),
    ];
    for (const path of unknown.filter((p) => p.startsWith('metadata.'))) {
      delete (object.metadata as Record<string, unknown>)[path.slice('metadata.'.length)];
    }
    pruneUnknownFields(this.declaration.schema, object);
    delete (object.metadata as Record<string, unknown>).selfLink;
    if (unknown.length === 0 || fieldValidation === 'Ignore') return [];
    const messages = unknown.map((path) => `unknown field ${JSON.stringify(path)}`);
    if (fieldValidation === 'Strict') throw badRequest(`strict decoding error: ${messages.join(', ')}`);
    return messages;
  }

  applyDefaults(object: T): void {
    applySchemaDefaults(this.declaration.schema, object);
  }

  /** PrepareForCreate + BeforeCreate: server-owned metadata, no status through the main resource. */
  prepareForCreate(object: T, now: Date): void {
    if (this.declaration.statusSubresource) delete object.status;
    prepareMetaForCreate(object.metadata, now);
    if (this.#fits(object)) this.declaration.defaultOnCreate(object, this.#defaulting);
  }

  /**
   * PrepareForUpdate + BeforeUpdate: `status` writes change only .status; main writes keep the old
   * status when the kind has a status subresource; generation grows when anything outside metadata
   * (and a separately written status) changed. Returns the object to store.
   */
  prepareForUpdate(object: T, old: T, target: WriteTarget): T {
    // Defaults first: a client leaving out a defaulted field changes nothing (and no generation).
    this.applyDefaults(object);
    let next: T;
    if (target === 'status') {
      next = structuredClone(old);
      if (object.status === undefined) delete next.status;
      else next.status = object.status;
      if (object.metadata.managedFields) next.metadata.managedFields = object.metadata.managedFields;
      if (object.metadata.uid && object.metadata.uid !== old.metadata.uid) next.metadata.uid = object.metadata.uid;
      return next;
    }
    next = object;
    if (this.#fits(next)) {
      const oldFits = this.#fits(old);
      const { uid, resourceVersion } = old.metadata;
      if (resourceVersion) this.#storedVerdicts.set(next, { uid, resourceVersion, fits: oldFits });
      if (oldFits) this.declaration.defaultOnUpdate(next, old);
    }
    if (this.declaration.statusSubresource) {
      if (old.status === undefined) delete next.status;
      else next.status = structuredClone(old.status);
    }
    copyImmutableMeta(next.metadata, old.metadata);
    if (!sameJson(withoutMetadata(next), withoutMetadata(old))) next.metadata.generation = (old.metadata.generation ?? 0) + 1;
    return next;
  }

  /**
   * Cuts an applied configuration down to what the target may own, before ownership is computed:
   * otherwise an Apply entry would claim fields that are never stored (status sent to the main
   * resource) or conflict with the controller that owns them.
   */
  trimAppliedConfiguration(applied: T, target: WriteTarget): void {
    if (!this.declaration.statusSubresource) return;
    if (target === 'main') {
      delete applied.status;
      return;
    }
    const { name, namespace } = applied.metadata;
    for (const field of Object.keys(applied)) {
      if (!['apiVersion', 'kind', 'metadata', 'status'].includes(field)) delete applied[field];
    }
    applied.metadata = { ...(name !== undefined ? { name } : {}), ...(namespace !== undefined ? { namespace } : {}) };
  }

  validateCreate(object: T): FieldError[] {
    const schemaErrors = this.#schemaErrors(object);
    return [
      ...validateObjectMeta(object.metadata, this.#metaRules),
      ...schemaErrors,
      ...this.#validateScale(object),
      ...(schemaErrors.length === 0 ? this.declaration.validateCreate(object) : []),
    ];
  }

  /**
   * `object` is what prepareForUpdate returned for this write (or any object, for a caller that
   * did not prepare one). A stored object the schema no longer accepts (the schema was tightened
   * since) cannot be compared field by field: the new object then gets the create rules.
   */
  validateUpdate(object: T, old: T): FieldError[] {
    const schemaErrors = this.#schemaErrors(object);
    let kindErrors: FieldError[] = [];
    if (schemaErrors.length === 0) {
      kindErrors = this.#storedFits(object, old) ? this.declaration.validateUpdate(object, old) : this.declaration.validateCreate(object);
    }
    return [
      ...validateObjectMetaUpdate(object.metadata, old.metadata, this.#metaRules),
      ...schemaErrors,
      ...this.#validateScale(object),
      ...kindErrors,
    ];
  }

  #schemaErrors(object: T): FieldError[] {
    return validateAgainstSchema(this.declaration.schema, withoutMetadata(object));
  }

  #fits(object: T): boolean {
    return this.#schemaErrors(object).length === 0;
  }

  /** The verdict prepareForUpdate took on this same stored value, else a fresh one. */
  #storedFits(object: T, old: T): boolean {
    const known = this.#storedVerdicts.get(object);
    this.#storedVerdicts.delete(object);
    const same = known !== undefined && known.resourceVersion === old.metadata.resourceVersion && known.uid === old.metadata.uid;
    return same ? known.fits : this.#fits(old);
  }

  /** A kind with a scale subresource keeps its mapped fields readable as a Scale, whatever the write. */
  #validateScale(object: T): FieldError[] {
    const mapping = this.declaration.scaleSubresource;
    return mapping ? validateScaleFields(object, mapping) : [];
  }
}

function withoutMetadata(object: KubeObject): Record<string, unknown> {
  const { metadata: _metadata, ...rest } = object;
  return rest;
}

/** Deep equality of JSON values, ignoring key order. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => sameJson(v, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a).filter((k) => a[k] !== undefined);
    const otherKeys = Object.keys(b).filter((k) => b[k] !== undefined);
    return keys.length === otherKeys.length && keys.every((k) => sameJson(a[k], b[k]));
  }
  return false;
}
