// ObjectMeta rules every kind shares (apimachinery pkg/api/validation/objectmeta.go and
// apiserver pkg/registry/rest/{create,update}.go): what the server sets on create, what an update
// cannot change, and the syntax of names, labels, annotations, finalizers and owner references.
import { randomInt, randomUUID } from 'node:crypto';
import type { FieldError, JsonValue, ObjectMeta, OwnerReference } from '../apis/meta.ts';
import { badRequest } from './errors.ts';
import { checkDns1123Label, checkDns1123Subdomain, checkLabelValue, checkName, checkQualifiedName, type NameFormat } from '../apis/names.ts';

/** Which syntax a kind's names follow: most use DNS subdomains, some become DNS labels (Service names). */
export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

export const FINALIZER_ORPHAN = 'orphan';
export const FINALIZER_FOREGROUND = 'foregroundDeletion';
const STANDARD_FINALIZERS = new Set([FINALIZER_ORPHAN, FINALIZER_FOREGROUND, 'kubernetes']);

// utilrand's alphabet: no vowels (no accidental words) and no look-alike characters.
const GENERATED_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const GENERATED_SUFFIX_LENGTH = 5;
const MAX_GENERATED_PREFIX = 63 - GENERATED_SUFFIX_LENGTH;

/** `generateName` plus five random characters, the prefix cut so the result fits a DNS label. */
export function generateName(prefix: string): string {
  let suffix = '';
  for (let i = 0; i < GENERATED_SUFFIX_LENGTH; i++) suffix += GENERATED_ALPHABET[randomInt(GENERATED_ALPHABET.length)];
  return prefix.slice(0, MAX_GENERATED_PREFIX) + suffix;
}

/** RFC 3339 with second precision, as metav1.Time serializes. */
export function rfc3339Seconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/**
 * EnsureObjectNamespaceMatchesRequestNamespace: an empty namespace is filled from the URL, a
 * cluster-scoped request clears it, a different one is a 400.
 */
export function ensureNamespaceMatches(meta: ObjectMeta, requestNamespace: string | undefined): void {
  const requested = requestNamespace ?? '';
  const own = meta.namespace ?? '';
  if (own === requested) return;
  if (own === '') meta.namespace = requested;
  else if (requested === '') delete meta.namespace;
  else throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
}

/** checkName (handlers/rest.go): on update and patch the body must name the object of the URL. */
export function ensureNameMatches(meta: ObjectMeta, urlName: string, urlNamespace: string | undefined): void {
  const name = meta.name ?? '';
  if (name !== urlName) {
    throw badRequest(`the name of the object (${name}) does not match the name on the URL (${urlName})`);
  }
  if (urlNamespace && meta.namespace && meta.namespace !== urlNamespace) {
    throw badRequest(`the namespace of the object (${meta.namespace}) does not match the namespace on the URL (${urlNamespace})`);
  }
}

/** What the server owns on create: identity, timestamps, generation; no deletion state. */
export function prepareMetaForCreate(meta: ObjectMeta, now: Date): void {
  meta.uid = randomUUID();
  meta.creationTimestamp = rfc3339Seconds(now);
  meta.generation = 1;
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  delete meta.resourceVersion;
}

/**
 * BeforeUpdate: the fields an update cannot change keep their old values (uid only when the client
 * left it empty; a different uid is rejected by validateObjectMetaUpdate).
 */
export function copyImmutableMeta(meta: ObjectMeta, old: ObjectMeta): void {
  meta.name = old.name;
  if (old.namespace === undefined) delete meta.namespace;
  else meta.namespace = old.namespace;
  if (!meta.uid) meta.uid = old.uid;
  copyOrDelete(meta, old, 'creationTimestamp');
  copyOrDelete(meta, old, 'generation');
  if (old.deletionTimestamp) meta.deletionTimestamp = old.deletionTimestamp;
  else delete meta.deletionTimestamp;
  if (old.deletionGracePeriodSeconds !== undefined) meta.deletionGracePeriodSeconds = old.deletionGracePeriodSeconds;
  else delete meta.deletionGracePeriodSeconds;
}

function copyOrDelete<K extends keyof ObjectMeta>(meta: ObjectMeta, old: ObjectMeta, key: K): void {
  if (old[key] === undefined) delete meta[key];
  else meta[key] = old[key];
}

export interface ObjectMetaRules {
  namespaced: boolean;
  nameFormat: NameFormat;
}

const PATH = 'metadata';

/** ValidateObjectMeta, after the server filled name (from generateName) and namespace. */
export function validateObjectMeta(meta: ObjectMeta, rules: ObjectMetaRules): FieldError[] {
  const errors: FieldError[] = [];
  const invalid = (field: string, value: JsonValue, detail: string) =>
    errors.push({ type: 'FieldValueInvalid', field: `${PATH}.${field}`, value, detail });

  if (meta.generateName) {
    // A prefix may end in '-': only the characters before a trailing dash must form a name.
    const masked = meta.generateName.endsWith('-') ? `${meta.generateName.slice(0, -1)}a` : meta.generateName;
    for (const m of checkName(masked, rules.nameFormat)) invalid('generateName', meta.generateName, m);
  }
  if (!meta.name) {
    errors.push({ type: 'FieldValueRequired', field: `${PATH}.name`, detail: 'name or generateName is required' });
  } else {
    for (const m of checkName(meta.name, rules.nameFormat)) invalid('name', meta.name, m);
  }
  if (rules.namespaced) {
    if (!meta.namespace) errors.push({ type: 'FieldValueRequired', field: `${PATH}.namespace`, detail: '' });
    else for (const m of checkDns1123Label(meta.namespace)) invalid('namespace', meta.namespace, m);
  } else if (meta.namespace) {
    errors.push({ type: 'FieldValueForbidden', field: `${PATH}.namespace`, detail: 'not allowed on this type' });
  }
  if (meta.generation !== undefined && (!Number.isSafeInteger(meta.generation) || meta.generation < 0)) {
    invalid('generation', meta.generation, 'must be greater than or equal to 0');
  }
  errors.push(...validateLabels(meta.labels));
  errors.push(...validateAnnotations(meta.annotations));
  errors.push(...validateOwnerReferences(meta.ownerReferences));
  errors.push(...validateFinalizers(meta.finalizers));
  return errors;
}

function validateLabels(labels: Record<string, string> | undefined): FieldError[] {
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(labels ?? {})) {
    for (const m of checkQualifiedName(key)) errors.push({ type: 'FieldValueInvalid', field: `${PATH}.labels`, value: key, detail: m });
    if (typeof value !== 'string') {
      errors.push({ type: 'FieldValueTypeInvalid', field: `${PATH}.labels`, value, detail: 'must be a string' });
      continue;
    }
    for (const m of checkLabelValue(value)) errors.push({ type: 'FieldValueInvalid', field: `${PATH}.labels`, value, detail: m });
  }
  return errors;
}

function validateAnnotations(annotations: Record<string, string> | undefined): FieldError[] {
  const errors: FieldError[] = [];
  let size = 0;
  for (const [key, value] of Object.entries(annotations ?? {})) {
    // Annotation keys are qualified names except that case does not matter.
    for (const m of checkQualifiedName(key.toLowerCase())) {
      errors.push({ type: 'FieldValueInvalid', field: `${PATH}.annotations`, value: key, detail: m });
    }
    if (typeof value !== 'string') {
      errors.push({ type: 'FieldValueTypeInvalid', field: `${PATH}.annotations`, value, detail: 'must be a string' });
      continue;
    }
    size += Buffer.byteLength(key) + Buffer.byteLength(value);
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) {
    errors.push({
      type: 'FieldValueTooLong',
      field: `${PATH}.annotations`,
      detail: `may not be more than ${TOTAL_ANNOTATION_SIZE_LIMIT} bytes`,
    });
  }
  return errors;
}

function validateOwnerReferences(references: OwnerReference[] | undefined): FieldError[] {
  const errors: FieldError[] = [];
  const field = `${PATH}.ownerReferences`;
  let controller: string | undefined;
  for (const ref of references ?? []) {
    const parts = (ref.apiVersion ?? '').split('/');
    const version = parts.length === 1 ? parts[0] : parts.length === 2 ? parts[1] : '';
    if (!version) errors.push({ type: 'FieldValueInvalid', field: `${field}.apiVersion`, value: ref.apiVersion ?? '', detail: 'version must not be empty' });
    if (!ref.kind) errors.push({ type: 'FieldValueInvalid', field: `${field}.kind`, value: ref.kind ?? '', detail: 'kind must not be empty' });
    if (!ref.name) errors.push({ type: 'FieldValueInvalid', field: `${field}.name`, value: ref.name ?? '', detail: 'name must not be empty' });
    if (!ref.uid) errors.push({ type: 'FieldValueInvalid', field: `${field}.uid`, value: ref.uid ?? '', detail: 'uid must not be empty' });
    if (ref.controller) {
      const current = `${ref.kind}/${ref.name}`;
      if (controller) {
        errors.push({
          type: 'FieldValueInvalid',
          field,
          value: references as unknown as JsonValue,
          detail: `Only one reference can have Controller set to true. Found "true" in references for ${controller} and ${current}`,
        });
      } else {
        controller = current;
      }
    }
  }
  return errors;
}

function validateFinalizers(finalizers: string[] | undefined): FieldError[] {
  const errors: FieldError[] = [];
  const field = `${PATH}.finalizers`;
  for (const finalizer of finalizers ?? []) {
    for (const m of checkQualifiedName(finalizer)) errors.push({ type: 'FieldValueInvalid', field, value: finalizer, detail: m });
  }
  if (finalizers?.includes(FINALIZER_ORPHAN) && finalizers.includes(FINALIZER_FOREGROUND)) {
    errors.push({
      type: 'FieldValueInvalid',
      field,
      value: finalizers,
      detail: `finalizer ${FINALIZER_ORPHAN} and ${FINALIZER_FOREGROUND} cannot be both set`,
    });
  }
  return errors;
}

/** ValidateObjectMetaUpdate: the syntax rules again, a uid cannot change, no new finalizers while deleting. */
export function validateObjectMetaUpdate(meta: ObjectMeta, old: ObjectMeta, rules: ObjectMetaRules): FieldError[] {
  const errors = validateObjectMeta(meta, rules);
  if (meta.uid !== old.uid) {
    errors.push({ type: 'FieldValueInvalid', field: `${PATH}.uid`, value: meta.uid ?? '', detail: 'field is immutable' });
  }
  if (old.deletionTimestamp) {
    const added = (meta.finalizers ?? []).filter((f) => !(old.finalizers ?? []).includes(f));
    if (added.length > 0) {
      errors.push({
        type: 'FieldValueForbidden',
        field: `${PATH}.finalizers`,
        detail: `no new finalizers can be added if the object is being deleted, found new finalizers []string{${[...new Set(added)]
          .sort()
          .map((f) => JSON.stringify(f))
          .join(', ')}}`,
      });
    }
  }
  return errors;
}

/**
 * Warnings (not errors) for finalizers a write adds without a `domain/path` form, as kube-apiserver
 * sends them; finalizers the object already had are not repeated.
 */
export function finalizerWarnings(meta: ObjectMeta, old?: ObjectMeta): string[] {
  const before = new Set(old?.finalizers ?? []);
  return (meta.finalizers ?? [])
    .filter((f) => !before.has(f) && !STANDARD_FINALIZERS.has(f))
    .filter((f) => {
      const slash = f.indexOf('/');
      return slash <= 0 || slash === f.length - 1 || checkDns1123Subdomain(f.slice(0, slash)).length > 0;
    })
    .map(
      (f) =>
        `metadata.finalizers: ${JSON.stringify(f)}: prefer a domain-qualified finalizer name including a path (/) to avoid accidental conflicts with other finalizer writers`,
    );
}
