// Graceful deletion as the generic store does it (registry/store.go, rest/delete.go): delete
// preconditions, the garbage collector's finalizers from propagationPolicy, and the mark that
// keeps an object with pending finalizers until they are gone.
import type { KubeObject, ObjectMeta } from '../apis/meta.ts';
import { conflict, type ResourceName } from './errors.ts';
import { FINALIZER_FOREGROUND, FINALIZER_ORPHAN, rfc3339Seconds } from './object-meta.ts';
import type { DeleteOptions } from './store.ts';

export function checkPreconditions(object: KubeObject, options: DeleteOptions, resource: ResourceName): void {
  const { uid, resourceVersion } = options.preconditions ?? {};
  const name = object.metadata.name ?? '';
  if (uid !== undefined && uid !== object.metadata.uid) {
    throw conflict(resource, name, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${object.metadata.uid ?? ''}`);
  }
  if (resourceVersion !== undefined && resourceVersion !== object.metadata.resourceVersion) {
    throw conflict(
      resource,
      name,
      `Precondition failed: ResourceVersion in precondition: ${resourceVersion}, ResourceVersion in object meta: ${object.metadata.resourceVersion ?? ''}`,
    );
  }
}

/**
 * deletionFinalizersForGarbageCollection: the finalizers the object carries once deletion starts.
 * Foreground adds foregroundDeletion, Orphan (or orphanDependents) adds orphan, an explicit
 * Background removes both; nothing asked keeps them as they are.
 */
export function finalizersForDeletion(meta: ObjectMeta, options: DeleteOptions): string[] {
  const current = meta.finalizers ?? [];
  const policy =
    options.propagationPolicy ?? (options.orphanDependents === undefined ? undefined : options.orphanDependents ? 'Orphan' : 'Background');
  const without = (remove: string[]) => current.filter((f) => !remove.includes(f));
  switch (policy) {
    case 'Foreground':
      return current.includes(FINALIZER_FOREGROUND) ? without([FINALIZER_ORPHAN]) : [...without([FINALIZER_ORPHAN]), FINALIZER_FOREGROUND];
    case 'Orphan':
      return current.includes(FINALIZER_ORPHAN) ? without([FINALIZER_FOREGROUND]) : [...without([FINALIZER_FOREGROUND]), FINALIZER_ORPHAN];
    case 'Background':
      return without([FINALIZER_ORPHAN, FINALIZER_FOREGROUND]);
    default:
      return current;
  }
}

/**
 * markAsDeleting: the first delete of an object with finalizers sets deletionTimestamp, a zero grace
 * period and bumps generation; later deletes only change the finalizers. Returns whether anything changed.
 */
export function markAsDeleting(object: KubeObject, finalizers: string[], now: Date): boolean {
  const meta = object.metadata;
  let changed = false;
  if (!meta.deletionTimestamp) {
    meta.deletionTimestamp = rfc3339Seconds(now);
    meta.deletionGracePeriodSeconds = 0;
    meta.generation = (meta.generation ?? 0) + 1;
    changed = true;
  }
  const before = meta.finalizers ?? [];
  if (before.length !== finalizers.length || before.some((f, i) => f !== finalizers[i])) {
    if (finalizers.length === 0) delete meta.finalizers;
    else meta.finalizers = finalizers;
    changed = true;
  }
  return changed;
}

/** ShouldDeleteDuringUpdate: a deleting object whose last finalizer went away is removed. */
export function shouldDeleteDuringUpdate(object: KubeObject): boolean {
  const meta = object.metadata;
  return Boolean(meta.deletionTimestamp) && (meta.finalizers ?? []).length === 0 && (meta.deletionGracePeriodSeconds ?? 0) === 0;
}
