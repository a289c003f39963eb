// Kubernetes Status errors. Storage errors and validation failures become one of these in the
// registry; the HTTP layer writes `status` as it is. Messages follow apimachinery's wording, which
// kubectl and client-go users recognise.
import type { FieldError, JsonValue, Status, StatusCause, StatusDetails } from '../apis/meta.ts';

export class ApiError extends Error {
  readonly status: Status;
  constructor(code: number, reason: string, message: string, details?: StatusDetails) {
    super(message);
    this.name = 'ApiError';
    this.status = {
      apiVersion: 'v1',
      kind: 'Status',
      metadata: {},
      status: 'Failure',
      message,
      reason,
      ...(details ? { details } : {}),
      code,
    };
  }
  get code(): number {
    return this.status.code;
  }
  get reason(): string {
    return this.status.reason ?? '';
  }
}

/** `tenantcontrolplanes.tenancy.kamaji.io` — how kube names a resource in messages. */
export interface ResourceName {
  group: string;
  resource: string;
}

function qualified({ group, resource }: ResourceName): string {
  return group ? `${resource}.${group}` : resource;
}

export function notFound(r: ResourceName, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualified(r)} "${name}" not found`, { name, group: r.group, kind: r.resource });
}

export function alreadyExists(r: ResourceName, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualified(r)} "${name}" already exists`, {
    name,
    group: r.group,
    kind: r.resource,
  });
}

export function conflict(r: ResourceName, name: string, why: string): ApiError {
  return new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(r)} "${name}": ${why}`, {
    name,
    group: r.group,
    kind: r.resource,
  });
}

export const OBJECT_MODIFIED = 'the object has been modified; please apply your changes to the latest version and try again';

function renderValue(value: JsonValue | undefined): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? `"${value}"` : JSON.stringify(value);
}

/** The part of a field error after its path, as field.Error.ErrorBody() prints it (a cause's message). */
export function fieldErrorBody(e: FieldError): string {
  switch (e.type) {
    case 'FieldValueRequired':
      return `Required value${e.detail ? `: ${e.detail}` : ''}`;
    case 'FieldValueForbidden':
      return `Forbidden: ${e.detail}`;
    case 'FieldValueNotSupported':
      return `Unsupported value: ${renderValue(e.value)}${
        e.supportedValues ? `: supported values: ${e.supportedValues.map((v) => `"${v}"`).join(', ')}` : ''
      }`;
    case 'FieldValueDuplicate':
      return `Duplicate value: ${renderValue(e.value)}`;
    case 'FieldValueTooLong':
      return `Too long: ${e.detail}`;
    case 'FieldValueTooMany':
      return `Too many: ${e.detail}`;
    default:
      return `Invalid value: ${renderValue(e.value)}${e.detail ? `: ${e.detail}` : ''}`;
  }
}

/** One field error the way field.Error.Error() prints it: `spec.x: Invalid value: ...`. */
export function fieldErrorMessage(e: FieldError): string {
  return `${e.field}: ${fieldErrorBody(e)}`;
}

/** 422 Invalid: `TenantControlPlane.tenancy.kamaji.io "x" is invalid: spec.y: Invalid value: ...`. */
export function invalid(group: string, kind: string, name: string, errors: FieldError[]): ApiError {
  // Causes carry the body only (the field is beside it); the summary prints each error whole.
  const causes: StatusCause[] = errors.map((e) => ({ reason: e.type, message: fieldErrorBody(e), field: e.field }));
  const messages = errors.map(fieldErrorMessage);
  const summary = messages.length === 1 ? messages[0]! : `[${messages.join(', ')}]`;
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  return new ApiError(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${summary}`, {
    name,
    group,
    kind,
    causes,
  });
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

export function unauthorized(): ApiError {
  return new ApiError(401, 'Unauthorized', 'Unauthorized');
}

export function forbidden(message: string, details?: StatusDetails): ApiError {
  return new ApiError(403, 'Forbidden', message, details);
}

export function methodNotAllowed(message = 'the server does not allow this method on the requested resource'): ApiError {
  return new ApiError(405, 'MethodNotAllowed', message);
}

export function notAcceptable(message: string): ApiError {
  return new ApiError(406, 'NotAcceptable', message);
}

/** 410 Expired: a too-old resourceVersion or continue token. */
export function expired(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}

export function requestEntityTooLarge(message: string): ApiError {
  return new ApiError(413, 'RequestEntityTooLarge', message);
}

export function unsupportedMediaType(contentType: string, supported: string[]): ApiError {
  return new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${supported.join(', ')}`,
    { causes: [{ reason: 'UnsupportedMediaType', message: contentType }] },
  );
}

export function tooManyRequests(message: string, retryAfterSeconds: number): ApiError {
  return new ApiError(429, 'TooManyRequests', message, { retryAfterSeconds });
}

/** The message never carries the internal cause: that goes to the log, once. */
export function internalError(message = 'an error on the server has prevented the request from succeeding'): ApiError {
  return new ApiError(500, 'InternalError', `Internal error occurred: ${message}`);
}

export function serviceUnavailable(message: string, retryAfterSeconds = 1): ApiError {
  return new ApiError(503, 'ServiceUnavailable', message, { retryAfterSeconds });
}

export function timeout(message: string, details?: StatusDetails): ApiError {
  return new ApiError(504, 'Timeout', message, details);
}
