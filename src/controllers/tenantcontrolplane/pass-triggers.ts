// Which registry events queue a TenantControlPlane pass. A pass is costly (a dozen management API
// calls, certificates checked), and under a backlog of thousands of tcps the events that do not
// change what a pass would do were most of the leader's work.
import { isDeepStrictEqual } from 'node:util';
import type { DataStore, TenantControlPlane } from '../../apis/index.ts';
import type { KubeObject } from '../../apis/meta.ts';
import { ANNOTATION_PAUSED } from './names.ts';

/** Kamaji's annotation: the controllers leave the tcp alone. */
export function isPaused(object: KubeObject): boolean {
  return object.metadata.annotations?.[ANNOTATION_PAUSED] !== undefined;
}

/** The passes write status, and derive it from everything else: its change alone needs no pass. */
export function onlyStatusChanged(before: KubeObject, after: KubeObject): boolean {
  const settled = ({ resourceVersion: _version, managedFields: _fields, ...metadata }: KubeObject['metadata']) => metadata;
  return isDeepStrictEqual(before.spec, after.spec) && isDeepStrictEqual(settled(before.metadata), settled(after.metadata));
}

/**
 * Whether a DataStore change matters to the tcps using it: a pass reads its spec and readiness,
 * not its usedBy, which changes with every tcp that comes or goes.
 */
export function changesTenantControlPlanes(before: KubeObject, after: KubeObject): boolean {
  const ready = (object: KubeObject) => (object as unknown as DataStore).status?.ready;
  return (
    before.metadata.generation !== after.metadata.generation ||
    before.metadata.deletionTimestamp !== after.metadata.deletionTimestamp ||
    ready(before) !== ready(after) ||
    // The reason a DataStore is not ready is shown in the tcps' Ready condition.
    !isDeepStrictEqual(readyConditionOf(before), readyConditionOf(after))
  );
}

function readyConditionOf(object: KubeObject): unknown {
  const condition = (object as unknown as DataStore).status?.conditions?.find((c) => c.type === 'Ready');
  return condition && { status: condition.status, reason: condition.reason, message: condition.message };
}

export function usesDataStore(object: KubeObject, dataStoreName: string): boolean {
  const tcp = object as unknown as TenantControlPlane;
  return tcp.spec?.dataStore === dataStoreName || tcp.status?.storage?.dataStoreName === dataStoreName;
}
