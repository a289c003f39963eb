// Storage errors as Kubernetes Status errors. Storage speaks keys and revisions; the registry
// knows the resource and the name, so it words the Status. Unknown failures become a 500 whose
// message never carries the cause (the caller logs it once).
import {
  CompactedError,
  FutureRevisionError,
  KeyExistsError,
  KeyNotFoundError,
  RevisionConflictError,
  StorageUnavailableError,
} from '../storage/errors.ts';
import {
  ApiError,
  alreadyExists,
  conflict,
  expired,
  internalError,
  notFound,
  OBJECT_MODIFIED,
  type ResourceName,
  serviceUnavailable,
} from './errors.ts';
import { LIST_TOO_OLD, resourceVersionTooLarge } from './resource-version.ts';

export function toApiError(error: unknown, resource: ResourceName, name: string): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof KeyNotFoundError) return notFound(resource, name);
  if (error instanceof KeyExistsError) return alreadyExists(resource, name);
  if (error instanceof RevisionConflictError) return conflict(resource, name, OBJECT_MODIFIED);
  if (error instanceof CompactedError) return expired(LIST_TOO_OLD);
  if (error instanceof FutureRevisionError) return resourceVersionTooLarge(error.requestedRevision);
  if (error instanceof StorageUnavailableError) return serviceUnavailable('the storage backend is unavailable, please try again');
  return internalError();
}
