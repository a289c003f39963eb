// Query parameters (and the DELETE body) turned into the registry's option objects, validated the
// way apimachinery validates ListOptions, CreateOptions, PatchOptions and DeleteOptions: a bad
// value is a 422 naming the parameter, never silently ignored.
import type { FieldError, JsonValue, UserInfo } from '../apis/meta.ts';
import type { DeleteOptions, FieldValidation, ListRequest, PatchOptions, PatchType, WatchRequest, WriteOptions } from '../registry/store.ts';
import { badRequest, fieldErrorMessage, invalid } from '../registry/errors.ts';

const META_GROUP = 'meta.k8s.io';
export const FIELD_MANAGER_MAX_LENGTH = 128;

function throwIfInvalid(kind: string, errors: FieldError[]): void {
  if (errors.length > 0) throw invalid(META_GROUP, kind, '', errors);
}

function nonNegativeInteger(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^\d+$/.test(raw)) throw badRequest(`${name}: Invalid value: "${raw}": must be a non-negative integer`);
  return Number(raw);
}

function booleanParam(query: URLSearchParams, name: string): boolean | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  const lower = raw.toLowerCase();
  if (lower === 'true' || lower === '1' || lower === '') return true;
  if (lower === 'false' || lower === '0') return false;
  throw badRequest(`${name}: Invalid value: "${raw}": must be true or false`);
}

function validateDryRun(values: string[]): FieldError[] {
  if (values.every((value) => value === 'All')) return [];
  return [{ type: 'FieldValueNotSupported', field: 'dryRun', detail: '', value: values, supportedValues: ['All'] }];
}

function baseListRequest(namespace: string, query: URLSearchParams): ListRequest {
  const request: ListRequest = {};
  if (namespace) request.namespace = namespace;
  const labelSelector = query.get('labelSelector');
  if (labelSelector) request.labelSelector = labelSelector;
  const fieldSelector = query.get('fieldSelector');
  if (fieldSelector) request.fieldSelector = fieldSelector;
  const resourceVersion = query.get('resourceVersion');
  if (resourceVersion) request.resourceVersion = resourceVersion;
  return request;
}

/** ListOptions of a list (not a watch). */
export function listRequestFrom(namespace: string, query: URLSearchParams): ListRequest {
  const request = baseListRequest(namespace, query);
  const limit = nonNegativeInteger(query, 'limit');
  if (limit) request.limit = limit;
  const cont = query.get('continue');
  if (cont) request.continue = cont;
  const errors: FieldError[] = [];
  const match = query.get('resourceVersionMatch');
  if (match) {
    if (!request.resourceVersion) {
      errors.push({ type: 'FieldValueForbidden', field: 'resourceVersionMatch', detail: 'resourceVersionMatch is forbidden unless resourceVersion is provided' });
    }
    if (cont) {
      errors.push({ type: 'FieldValueForbidden', field: 'resourceVersionMatch', detail: 'resourceVersionMatch is forbidden when continue is provided' });
    }
    if (match !== 'Exact' && match !== 'NotOlderThan') {
      errors.push({ type: 'FieldValueNotSupported', field: 'resourceVersionMatch', detail: '', value: match, supportedValues: ['Exact', 'NotOlderThan', ''] });
    } else {
      request.resourceVersionMatch = match;
    }
    if (match === 'Exact' && request.resourceVersion === '0') {
      errors.push({ type: 'FieldValueForbidden', field: 'resourceVersionMatch', detail: 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"' });
    }
  }
  if (query.has('sendInitialEvents')) {
    errors.push({ type: 'FieldValueForbidden', field: 'sendInitialEvents', detail: 'sendInitialEvents is forbidden for list' });
  }
  throwIfInvalid('ListOptions', errors);
  return request;
}

export interface WatchOptions {
  request: WatchRequest;
  /** Seconds until the server ends the watch; undefined = the server's random default. */
  timeoutSeconds: number | undefined;
}

/** ListOptions of a watch, incl. watch-list (`sendInitialEvents`). */
export function watchRequestFrom(namespace: string, query: URLSearchParams): WatchOptions {
  const request: WatchRequest = baseListRequest(namespace, query);
  const errors: FieldError[] = [];
  const sendInitialEvents = booleanParam(query, 'sendInitialEvents');
  const match = query.get('resourceVersionMatch');
  if (sendInitialEvents !== undefined) {
    if (match !== 'NotOlderThan') {
      errors.push({ type: 'FieldValueForbidden', field: 'resourceVersionMatch', detail: 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan' });
    }
    request.sendInitialEvents = sendInitialEvents;
  }
  if (match) {
    if (sendInitialEvents === undefined) {
      errors.push({ type: 'FieldValueForbidden', field: 'resourceVersionMatch', detail: 'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided' });
    }
    if (match !== 'NotOlderThan') {
      errors.push({ type: 'FieldValueNotSupported', field: 'resourceVersionMatch', detail: '', value: match, supportedValues: ['NotOlderThan'] });
    } else {
      request.resourceVersionMatch = match;
    }
    if (query.get('continue')) {
      errors.push({ type: 'FieldValueForbidden', field: 'resourceVersionMatch', detail: 'resourceVersionMatch is forbidden when continue is provided' });
    }
  }
  throwIfInvalid('ListOptions', errors);
  if (booleanParam(query, 'allowWatchBookmarks')) request.allowWatchBookmarks = true;
  const timeoutSeconds = nonNegativeInteger(query, 'timeoutSeconds');
  return { request, timeoutSeconds: timeoutSeconds === 0 ? undefined : timeoutSeconds };
}

/** Printable ASCII and beyond, but no control characters (ValidateFieldManager). */
function validateFieldManager(fieldManager: string | null): FieldError[] {
  if (fieldManager === null) return [];
  if (new TextEncoder().encode(fieldManager).length > FIELD_MANAGER_MAX_LENGTH) {
    return [{ type: 'FieldValueTooLong', field: 'fieldManager', detail: `may not be more than ${FIELD_MANAGER_MAX_LENGTH} bytes` }];
  }
  if (/[\u0000-\u001f\u007f]/.test(fieldManager)) {
    return [{ type: 'FieldValueInvalid', field: 'fieldManager', detail: 'invalid characters', value: fieldManager }];
  }
  return [];
}

const FIELD_VALIDATIONS = ['Ignore', 'Warn', 'Strict'];

function validateFieldValidation(value: string | null): FieldError[] {
  if (value === null || value === '' || FIELD_VALIDATIONS.includes(value)) return [];
  return [{ type: 'FieldValueNotSupported', field: 'fieldValidation', detail: '', value, supportedValues: ['', ...FIELD_VALIDATIONS] }];
}

/** CreateOptions/UpdateOptions. */
export function writeOptionsFrom(
  kind: 'CreateOptions' | 'UpdateOptions',
  query: URLSearchParams,
  user: UserInfo,
  userAgent: string | undefined,
): WriteOptions {
  const fieldManager = query.get('fieldManager');
  const fieldValidation = query.get('fieldValidation');
  throwIfInvalid(kind, [
    ...validateDryRun(query.getAll('dryRun')),
    ...validateFieldManager(fieldManager),
    ...validateFieldValidation(fieldValidation),
  ]);
  const options: WriteOptions = { user };
  if (query.getAll('dryRun').length > 0) options.dryRun = true;
  if (fieldManager) options.fieldManager = fieldManager;
  if (userAgent) options.userAgent = userAgent;
  if (fieldValidation) options.fieldValidation = fieldValidation as FieldValidation;
  return options;
}

/** PatchOptions: `force` only for apply, which needs a fieldManager. */
export function patchOptionsFrom(type: PatchType, query: URLSearchParams, user: UserInfo, userAgent: string | undefined): PatchOptions {
  const options: PatchOptions = writeOptionsFrom('UpdateOptions', query, user, userAgent);
  const force = booleanParam(query, 'force');
  const errors: FieldError[] = [];
  if (type !== 'apply' && force !== undefined) {
    errors.push({ type: 'FieldValueForbidden', field: 'force', detail: 'may not be specified for non-apply patch' });
  }
  if (type === 'apply' && !options.fieldManager) {
    errors.push({ type: 'FieldValueRequired', field: 'fieldManager', detail: 'is required for apply patch' });
  }
  throwIfInvalid('PatchOptions', errors);
  if (force) options.force = true;
  return options;
}

const PROPAGATION_POLICIES = ['Foreground', 'Background', 'Orphan'] as const;

function asObject(value: JsonValue | undefined): Record<string, JsonValue> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

/** DeleteOptions from the query and, over them, the request body (kubectl sends a body). */
export function deleteOptionsFrom(query: URLSearchParams, body: JsonValue | undefined, user: UserInfo): DeleteOptions {
  const fromBody = body === undefined ? {} : asObject(body);
  if (!fromBody) throw badRequest('the body of a delete request must be a DeleteOptions object');
  const dryRun = Array.isArray(fromBody['dryRun']) ? fromBody['dryRun'].map(String) : query.getAll('dryRun');
  const propagationPolicy = fromBody['propagationPolicy'] ?? query.get('propagationPolicy') ?? undefined;
  const orphanDependents = fromBody['orphanDependents'] ?? booleanParam(query, 'orphanDependents');
  const gracePeriodSeconds = fromBody['gracePeriodSeconds'] ?? nonNegativeInteger(query, 'gracePeriodSeconds');
  const preconditions = asObject(fromBody['preconditions']);

  const errors: FieldError[] = [...validateDryRun(dryRun)];
  if (orphanDependents !== undefined && orphanDependents !== null && propagationPolicy !== undefined && propagationPolicy !== null) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'propagationPolicy',
      detail: 'orphanDependents and deletionPropagation cannot be both set',
      value: propagationPolicy,
    });
  }
  if (propagationPolicy !== undefined && propagationPolicy !== null && !PROPAGATION_POLICIES.includes(propagationPolicy as never)) {
    errors.push({
      type: 'FieldValueNotSupported',
      field: 'propagationPolicy',
      detail: '',
      value: propagationPolicy,
      supportedValues: [...PROPAGATION_POLICIES, 'nil'],
    });
  }
  if (gracePeriodSeconds !== undefined && gracePeriodSeconds !== null && typeof gracePeriodSeconds !== 'number') {
    errors.push({ type: 'FieldValueInvalid', field: 'gracePeriodSeconds', detail: 'must be an integer', value: gracePeriodSeconds });
  }
  throwIfInvalid('DeleteOptions', errors);

  const options: DeleteOptions = { user };
  if (dryRun.length > 0) options.dryRun = true;
  if (typeof propagationPolicy === 'string') options.propagationPolicy = propagationPolicy as DeleteOptions['propagationPolicy'];
  if (typeof orphanDependents === 'boolean') options.orphanDependents = orphanDependents;
  if (typeof gracePeriodSeconds === 'number') options.gracePeriodSeconds = gracePeriodSeconds;
  if (preconditions) {
    options.preconditions = {};
    if (typeof preconditions['uid'] === 'string') options.preconditions.uid = preconditions['uid'];
    if (typeof preconditions['resourceVersion'] === 'string') options.preconditions.resourceVersion = preconditions['resourceVersion'];
  }
  return options;
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** TableOptions.includeObject: Metadata by default; anything else is a 400. */
export function includeObjectFrom(query: URLSearchParams): IncludeObject {
  const value = query.get('includeObject');
  if (value === null || value === '') return 'Metadata';
  if (value === 'None' || value === 'Metadata' || value === 'Object') return value;
  throw badRequest(
    fieldErrorMessage({ type: 'FieldValueNotSupported', field: 'includeObject', detail: '', value, supportedValues: ['Metadata', 'None', 'Object'] }),
  );
}

/** RFC 7234 warning headers as kube-apiserver writes them: `299 - "text"`. */
export function warningHeaderValue(text: string): string {
  // Header values must be ASCII: control and non-ASCII characters become spaces and '?'.
  const clean = text
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .replace(/[^\u0020-\u007e]/g, '?')
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"');
  return `299 - "${clean}"`;
}
