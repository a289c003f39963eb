// The `scale` subresource of a kind that declares one, as kube-apiserver serves a CRD's
// `subresources.scale` (apiextensions-apiserver customresource/etcd.go, validator.go): the object
// seen as an autoscaling/v1 Scale, a Scale written back as its spec replicas field, and the checks
// every write of such a kind gets on the mapped fields.
import type { ScaleSubresource } from '../apis/declaration.ts';
import type { FieldError, JsonObject, JsonValue, KubeObject, ObjectMeta } from '../apis/meta.ts';
import { type Scale, scaleApiVersion, scaleGroupVersionKind } from '../apis/scale.ts';
import { isJsonObject as isObject } from '../apis/schema/json.ts';
import { badRequest, internalError } from './errors.ts';
import { OBJECT_META_FIELDS } from './object-meta-fields.ts';
import type { FieldValidation } from './store.ts';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * What a write starts from when the object has no spec replicas (kube's invalidSpecReplicas): a
 * write that leaves it in place is refused instead of silently scaling to 0.
 */
export const MISSING_SPEC_REPLICAS = INT32_MIN;

/** `.spec.a.b` → ['spec', 'a', 'b'], as kube splits these paths (no array notation). */
function segmentsOf(path: string): string[] {
  return path.replace(/^\./, '').split('.');
}

/** The value at `path`, undefined when a level is missing. */
function valueAt(object: KubeObject, path: string): unknown {
  let current: unknown = object;
  for (const segment of segmentsOf(path)) {
    if (!isObject(current)) return undefined;
    current = current[segment];
  }
  return current;
}

/** NestedInt64: absent is fine, anything but an integer is an error. */
function integerAt(object: KubeObject, path: string): { value?: number; problem?: string } {
  const value = valueAt(object, path);
  if (value === undefined || value === null) return {};
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    return { problem: `${path.replace(/^\./, '')} accessor error: ${JSON.stringify(value)} is of the type ${typeName(value)}, expected int64` };
  }
  return { value };
}

function typeName(value: unknown): string {
  if (Array.isArray(value)) return '[]interface {}';
  if (typeof value === 'number') return 'float64';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  return 'map[string]interface {}';
}

/**
 * The Scale of an object: spec.replicas from `specReplicasPath` (undefined when the object has
 * none), status.replicas from `statusReplicasPath` (0 when unset), status.selector from
 * `labelSelectorPath` ('' when unset), and the object's identity and resourceVersion.
 */
export function scaleOf(object: KubeObject, mapping: ScaleSubresource): Scale {
  const spec = integerAt(object, mapping.specReplicasPath);
  const status = integerAt(object, mapping.statusReplicasPath);
  const problem = spec.problem ?? status.problem;
  if (problem) throw internalError(problem);
  const selector = mapping.labelSelectorPath ? valueAt(object, mapping.labelSelectorPath) : undefined;
  const { name, namespace, uid, resourceVersion, creationTimestamp } = object.metadata;
  const metadata: ObjectMeta = {
    ...(name !== undefined ? { name } : {}),
    ...(namespace !== undefined ? { namespace } : {}),
    ...(uid !== undefined ? { uid } : {}),
    ...(resourceVersion !== undefined ? { resourceVersion } : {}),
    ...(creationTimestamp !== undefined ? { creationTimestamp } : {}),
  };
  return {
    apiVersion: scaleApiVersion,
    kind: scaleGroupVersionKind.kind,
    metadata,
    spec: spec.value !== undefined ? { replicas: spec.value } : {},
    status: { replicas: status.value ?? 0, ...(typeof selector === 'string' && selector !== '' ? { selector } : {}) },
  };
}

/** The Scale GET answers: 500 while the object has no spec replicas, as kube does. */
export function readScale(object: KubeObject, mapping: ScaleSubresource): Scale {
  const scale = scaleOf(object, mapping);
  if (scale.spec.replicas === undefined) throw internalError(`the spec replicas field ${JSON.stringify(mapping.specReplicasPath)} does not exist`);
  return scale;
}

/** The Scale a patch applies to: a missing spec replicas reads as MISSING_SPEC_REPLICAS. */
export function scaleToPatch(object: KubeObject, mapping: ScaleSubresource): Scale {
  const scale = scaleOf(object, mapping);
  if (scale.spec.replicas === undefined) scale.spec.replicas = MISSING_SPEC_REPLICAS;
  return scale;
}

/**
 * A copy of `object` with the Scale's spec.replicas at `specReplicasPath`; nothing else of the
 * Scale is written. A Scale without spec.replicas means 0 (Go's zero value, as kube decodes it).
 */
export function withScaledReplicas<T extends KubeObject>(object: T, scale: Scale, mapping: ScaleSubresource): T {
  const replicas = scale.spec.replicas ?? 0;
  if (replicas === MISSING_SPEC_REPLICAS) {
    throw badRequest(`the spec replicas field ${JSON.stringify(mapping.specReplicasPath)} cannot be empty`);
  }
  const next = structuredClone(object);
  const segments = segmentsOf(mapping.specReplicasPath);
  let parent = next as unknown as JsonObject;
  for (const segment of segments.slice(0, -1)) {
    const child = parent[segment];
    if (child !== undefined && child !== null && !isObject(child)) {
      throw badRequest(`value cannot be set because ${segment} is not a map[string]interface{}`);
    }
    parent = isObject(child) ? child : (parent[segment] = {});
  }
  parent[segments.at(-1)!] = replicas;
  return next;
}

const SCALE_FIELDS: Record<string, readonly string[] | 'metadata'> = {
  apiVersion: [],
  kind: [],
  metadata: 'metadata',
  spec: ['replicas'],
  status: ['replicas', 'selector'],
};

function unknownScaleFields(body: Record<string, unknown>): string[] {
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(body)) {
    const known = SCALE_FIELDS[key];
    if (known === undefined) unknown.push(key);
    else if (known === 'metadata') {
      if (isObject(value)) unknown.push(...Object.keys(value).filter((k) => !OBJECT_META_FIELDS.has(k)).map((k) => `metadata.${k}`));
    } else if (isObject(value)) {
      unknown.push(...Object.keys(value).filter((k) => !known.includes(k)).map((k) => `${key}.${k}`));
    }
  }
  return unknown;
}

function int32Field(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) {
    throw badRequest(`${field}: must be a 32-bit integer, not ${JSON.stringify(value)}`);
  }
  return value;
}

function stringField(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw badRequest(`${field}: must be a string, not ${JSON.stringify(value)}`);
  return value;
}

function objectField(value: unknown, field: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw badRequest(`${field}: must be an object`);
  return value;
}

/**
 * A request body (or a patched Scale) as a Scale, or 400 saying what is wrong. apiVersion and kind
 * may be left out (they default to autoscaling/v1 Scale, as kube decodes into the scope's kind);
 * unknown fields are dropped, refused (Strict) or reported (Warn) like any body's.
 */
export function decodeScale(body: unknown, fieldValidation: FieldValidation = 'Warn'): { scale: Scale; warnings: string[] } {
  if (!isObject(body)) throw badRequest('the request body must be a JSON object');
  const apiVersion = stringField(body.apiVersion, 'apiVersion') || scaleApiVersion;
  const kind = stringField(body.kind, 'kind') || scaleGroupVersionKind.kind;
  if (apiVersion !== scaleApiVersion || kind !== scaleGroupVersionKind.kind) {
    throw badRequest(`the body must be a ${scaleGroupVersionKind.kind} of ${scaleApiVersion}, not a ${kind} of ${apiVersion}`);
  }
  const metadata = objectField(body.metadata, 'metadata');
  const spec = objectField(body.spec, 'spec');
  const status = objectField(body.status, 'status');
  const meta: ObjectMeta = {};
  for (const field of ['name', 'namespace', 'uid', 'resourceVersion', 'creationTimestamp'] as const) {
    const value = stringField(metadata[field], `metadata.${field}`);
    if (value) meta[field] = value;
  }
  const replicas = int32Field(spec.replicas, 'spec.replicas');
  const selector = stringField(status.selector, 'status.selector');
  const scale: Scale = {
    apiVersion: scaleApiVersion,
    kind: scaleGroupVersionKind.kind,
    metadata: meta,
    spec: replicas !== undefined ? { replicas } : {},
    status: { replicas: int32Field(status.replicas, 'status.replicas') ?? 0, ...(selector ? { selector } : {}) },
  };
  const unknown = unknownScaleFields(body);
  if (unknown.length === 0 || fieldValidation === 'Ignore') return { scale, warnings: [] };
  const messages = unknown.map((path) => `unknown field ${JSON.stringify(path)}`);
  if (fieldValidation === 'Strict') throw badRequest(`strict decoding error: ${messages.join(', ')}`);
  return { scale, warnings: messages };
}

/** A server-side apply configuration of a Scale: it must name its kind, as kube's apply patcher insists. */
export function decodeScaleApplyConfiguration(configuration: unknown, fieldValidation?: FieldValidation): { scale: Scale; warnings: string[] } {
  const { apiVersion, kind } = (isObject(configuration) ? configuration : {}) as { apiVersion?: unknown; kind?: unknown };
  if (apiVersion !== scaleApiVersion) {
    throw badRequest(`Incorrect version specified in apply patch. Specified patch version: ${String(apiVersion ?? '')}, expected: ${scaleApiVersion}`);
  }
  if (kind !== scaleGroupVersionKind.kind) {
    throw badRequest(`Incorrect kind specified in apply patch. Specified patch kind: ${String(kind ?? '')}, expected: ${scaleGroupVersionKind.kind}`);
  }
  return decodeScale(configuration, fieldValidation);
}

/** The Scale as JSON, for patching. */
export function scaleJson(scale: Scale): JsonValue {
  return structuredClone(scale) as unknown as JsonValue;
}

function replicasErrors(object: KubeObject, path: string): FieldError[] {
  const { value, problem } = integerAt(object, path);
  if (problem) return [{ type: 'FieldValueInvalid', field: path, value: valueAt(object, path) as JsonValue, detail: problem }];
  if (value === undefined) return [];
  if (value < 0) return [{ type: 'FieldValueInvalid', field: path, value, detail: 'should be a non-negative integer' }];
  if (value > INT32_MAX) return [{ type: 'FieldValueInvalid', field: path, value, detail: `should be less than or equal to ${INT32_MAX}` }];
  return [];
}

/**
 * ValidateScaleSpec and ValidateScaleStatus: what every write of a kind with a scale subresource
 * must keep true of the mapped fields, reported under the declared paths (leading dot and all, as
 * kube reports them).
 */
export function validateScaleFields(object: KubeObject, mapping: ScaleSubresource): FieldError[] {
  const errors = [...replicasErrors(object, mapping.specReplicasPath), ...replicasErrors(object, mapping.statusReplicasPath)];
  if (mapping.labelSelectorPath) {
    const selector = valueAt(object, mapping.labelSelectorPath);
    if (selector !== undefined && selector !== null && typeof selector !== 'string') {
      const detail = `${mapping.labelSelectorPath.replace(/^\./, '')} accessor error: ${JSON.stringify(selector)} is of the type ${typeName(selector)}, expected string`;
      errors.push({ type: 'FieldValueInvalid', field: mapping.labelSelectorPath, value: selector as JsonValue, detail });
    }
  }
  return errors;
}
