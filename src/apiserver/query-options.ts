// Query parameters (and the DELETE body) decoded into the registry's option objects. Decoding
// errors are 400s; the values the registry's types cannot carry (dryRun, fieldValidation) are
// validated here as apimachinery does (422 on the options kind); the rest is validated by the
// registry, which sees every caller, not only HTTP.
import type { FieldError, JsonValue, UserInfo } from '../apis/meta.ts';
import type { DeleteOptions, FieldValidation, ListRequest, PatchOptions, WatchRequest, WriteOptions } from '../registry/store.ts';
import { badRequest, fieldErrorMessage, invalid } from '../registry/errors.ts';
import type { TableIncludeObject } from '../registry/table.ts';

const META_GROUP = 'meta.k8s.io';

function throwIfInvalid(kind: string, errors: FieldError[]): void {
  if (errors.length > 0) throw invalid(META_GROUP, kind, '', errors);
}

function nonNegativeInteger(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^\d+$/.test(raw)) throw badRequest(`${name}: Invalid value: "${raw}": must be a non-negative integer`);
  return Number(raw);
}

/** Go's strconv.ParseBool, as the parameter codec decodes booleans. */
function booleanParam(query: URLSearchParams, name: string): boolean | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(raw)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(raw)) return false;
  throw badRequest(`${name}: Invalid value: "${raw}": must be true or false`);
}

function validateDryRun(values: string[]): FieldError[] {
  if (values.every((value) => value === 'All')) return [];
  return [{ type: 'FieldValueNotSupported', field: 'dryRun', detail: '', value: values, supportedValues: ['All'] }];
}

function selectorsAndVersion(namespace: string, query: URLSearchParams): WatchRequest {
  const request: WatchRequest = {};
  if (namespace) request.namespace = namespace;
  const labelSelector = query.get('labelSelector');
  if (labelSelector) request.labelSelector = labelSelector;
  const fieldSelector = query.get('fieldSelector');
  if (fieldSelector) request.fieldSelector = fieldSelector;
  const resourceVersion = query.get('resourceVersion');
  if (resourceVersion) request.resourceVersion = resourceVersion;
  const match = query.get('resourceVersionMatch');
  if (match) request.resourceVersionMatch = match as WatchRequest['resourceVersionMatch'];
  const cont = query.get('continue');
  if (cont) request.continue = cont;
  // Passed on for lists too, where the registry refuses it (sendInitialEvents is forbidden for list).
  const sendInitialEvents = booleanParam(query, 'sendInitialEvents');
  if (sendInitialEvents !== undefined) request.sendInitialEvents = sendInitialEvents;
  return request;
}

/** ListOptions of a list (and of a deletecollection). */
export function listRequestFrom(namespace: string, query: URLSearchParams): ListRequest {
  const request: ListRequest = selectorsAndVersion(namespace, query);
  const limit = nonNegativeInteger(query, 'limit');
  if (limit) request.limit = limit;
  return request;
}

export interface WatchOptions {
  request: WatchRequest;
  /** Seconds until the server ends the watch; undefined = the server's random default. */
  timeoutSeconds: number | undefined;
}

/** ListOptions of a watch, incl. watch-list (`sendInitialEvents`). */
export function watchRequestFrom(namespace: string, query: URLSearchParams): WatchOptions {
  const request = selectorsAndVersion(namespace, query);
  if (booleanParam(query, 'allowWatchBookmarks')) request.allowWatchBookmarks = true;
  const timeoutSeconds = nonNegativeInteger(query, 'timeoutSeconds');
  return { request, timeoutSeconds: timeoutSeconds === 0 ? undefined : timeoutSeconds };
}

const FIELD_VALIDATIONS = ['Ignore', 'Warn', 'Strict'];

/** CreateOptions/UpdateOptions (and the common part of PatchOptions). */
export function writeOptionsFrom(
  kind: 'CreateOptions' | 'UpdateOptions' | 'PatchOptions',
  query: URLSearchParams,
  user: UserInfo,
  userAgent: string | undefined,
): WriteOptions {
  const dryRun = query.getAll('dryRun');
  const fieldValidation = query.get('fieldValidation');
  const errors = validateDryRun(dryRun);
  if (fieldValidation !== null && fieldValidation !== '' && !FIELD_VALIDATIONS.includes(fieldValidation)) {
    errors.push({
      type: 'FieldValueNotSupported',
      field: 'fieldValidation',
      detail: '',
      value: fieldValidation,
      supportedValues: ['', ...FIELD_VALIDATIONS],
    });
  }
  throwIfInvalid(kind, errors);
  const options: WriteOptions = { user };
  if (dryRun.length > 0) options.dryRun = true;
  const fieldManager = query.get('fieldManager');
  if (fieldManager !== null) options.fieldManager = fieldManager;
  if (userAgent) options.userAgent = userAgent;
  if (fieldValidation) options.fieldValidation = fieldValidation as FieldValidation;
  return options;
}

/** PatchOptions; `force` is passed on whenever given (the registry refuses it for non-apply patches). */
export function patchOptionsFrom(query: URLSearchParams, user: UserInfo, userAgent: string | undefined): PatchOptions {
  const options: PatchOptions = writeOptionsFrom('PatchOptions', query, user, userAgent);
  const force = booleanParam(query, 'force');
  if (force !== undefined) options.force = force;
  return options;
}

function asObject(value: JsonValue | undefined): Record<string, JsonValue> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

/** DeleteOptions from the query and, over them, the request body (kubectl sends a body). */
export function deleteOptionsFrom(query: URLSearchParams, body: JsonValue | undefined, user: UserInfo): DeleteOptions {
  const fromBody = body === undefined ? {} : asObject(body);
  if (!fromBody) throw badRequest('the body of a delete request must be a DeleteOptions object');
  const dryRun = Array.isArray(fromBody['dryRun']) ? fromBody['dryRun'].map(String) : query.getAll('dryRun');
  throwIfInvalid('DeleteOptions', validateDryRun(dryRun));

  const options: DeleteOptions = { user };
  if (dryRun.length > 0) options.dryRun = true;
  const propagationPolicy = fromBody['propagationPolicy'] ?? query.get('propagationPolicy');
  if (typeof propagationPolicy === 'string') options.propagationPolicy = propagationPolicy as DeleteOptions['propagationPolicy'];
  const orphanDependents = fromBody['orphanDependents'] ?? booleanParam(query, 'orphanDependents');
  if (typeof orphanDependents === 'boolean') options.orphanDependents = orphanDependents;
  const gracePeriodSeconds = fromBody['gracePeriodSeconds'] ?? nonNegativeInteger(query, 'gracePeriodSeconds');
  if (typeof gracePeriodSeconds === 'number') options.gracePeriodSeconds = gracePeriodSeconds;
  const preconditions = asObject(fromBody['preconditions']);
  if (preconditions) {
    options.preconditions = {};
    if (typeof preconditions['uid'] === 'string') options.preconditions.uid = preconditions['uid'];
    if (typeof preconditions['resourceVersion'] === 'string') options.preconditions.resourceVersion = preconditions['resourceVersion'];
  }
  return options;
}

/** TableOptions.includeObject: Metadata by default; anything else is a 400. */
export function includeObjectFrom(query: URLSearchParams): TableIncludeObject {
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
