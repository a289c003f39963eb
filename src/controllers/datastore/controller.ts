// The DataStore controller: for every DataStore, connect with its credentials and say in the status
// whether that works (`ready`, a `Ready` condition whose reason says what to fix) and which
// TenantControlPlanes use it (`usedBy`). Rechecked every minute, since a database can go away
// without any object changing, and whenever a tcp starts or stops using it.
import { isDeepStrictEqual } from 'node:util';
import type { Logger } from 'pino';
import type { DataStore, DataStoreStatus } from '../../apis/index.ts';
import type { Condition, KubeObject, UserInfo } from '../../apis/meta.ts';
import { ApiError } from '../../registry/errors.ts';
import type { ResourceStore } from '../../registry/store.ts';
import { Controller, errorMessage, type ReconcileResult } from '../runtime/controller.ts';
import type { EventRecorder } from '../runtime/event-recorder.ts';
import { kubeTime, type KubeClient } from '../runtime/kube-client.ts';
import { objectKey, type RegistryInformer } from '../runtime/registry-informer.ts';
import { resolveDataStoreConnection } from './connection.ts';
import { DataStoreCheckError } from './errors.ts';
import { createTenantDatastoreAdmin } from './tenant-datastore-admin.ts';
import { dataStoresOf, usersOf } from './users.ts';

export const DATASTORE_RECHECK_MS = 60_000;

/** Who writes the status (the registry checks no permissions in-process) and under which managedFields manager. */
const WRITE_OPTIONS: { user: UserInfo; fieldManager: string } = {
  user: { username: 'system:kamaji-ts:datastore-controller', groups: ['system:masters'] },
  fieldManager: 'kamaji-ts-datastore-controller',
};

export interface DataStoreReconcileDeps {
  dataStores: ResourceStore;
  /** The TenantControlPlanes as the controller knows them (an informer's cache). */
  tenantControlPlanes: () => readonly KubeObject[];
  /** Resolves when the DataStore can be used, throws DataStoreCheckError otherwise. */
  checkDataStore: (dataStore: DataStore) => Promise<void>;
  events?: EventRecorder;
  logger: Logger;
  clock?: () => Date;
  /**
   * Verdicts of recent checks by DataStore name. A pass that only has to update usedBy (tcps come
   * and go) reuses a verdict younger than CHECK_REUSE_MS for the same generation instead of opening
   * another connection to the database.
   */
  recentChecks?: Map<string, RecentCheck>;
}

export interface RecentCheck {
  generation: number | undefined;
  atMs: number;
  verdict: Verdict;
}

/** Shorter than the recheck period: every periodic pass connects again. */
export const CHECK_REUSE_MS = 30_000;

/**
 * tcps that come or go in bulk (thousands created, or deleted with their namespace) change usedBy
 * each time: their passes are gathered, so a DataStore status (which lists them all) is rewritten a
 * few times a second at most rather than once per tcp. A status listing 10,000 tcps costs the
 * leader ~0.2 CPU s to write (validation, managedFields, the watch fan-out), so the wait grows with
 * the number of tcps: 250 ms with a few, 2.75 s with 10,000, keeping those writes under a tenth
 * of a core.
 */
export function usedByBatchMs(tenantControlPlanes: number): number {
  return 250 + Math.floor(tenantControlPlanes / 4);
}

/** Checks the DataStore with the driver's own client: credentials resolved, connection opened, closed. */
export function checkDataStoreWith(managementClient: KubeClient): (dataStore: DataStore) => Promise<void> {
  return async (dataStore) => {
    const admin = createTenantDatastoreAdmin(await resolveDataStoreConnection(dataStore, managementClient));
    try {
      await admin.checkConnection();
    } finally {
      await admin.close();
    }
  };
}

export async function reconcileDataStore(name: string, deps: DataStoreReconcileDeps): Promise<ReconcileResult> {
  const now = (deps.clock ?? (() => new Date()))();
  let dataStore: DataStore;
  try {
    dataStore = (await deps.dataStores.get(undefined, name)) as unknown as DataStore;
  } catch (error) {
    if (error instanceof ApiError && error.code === 404) {
      deps.recentChecks?.delete(name);
      return {};
    }
    throw error;
  }
  const generation = dataStore.metadata.generation;
  const usedBy = usersOf(name, deps.tenantControlPlanes());
  const recent = deps.recentChecks?.get(name);
  const reusable = recent && recent.generation === generation && now.getTime() - recent.atMs < CHECK_REUSE_MS;
  const verdict = reusable ? recent.verdict : await check(dataStore, deps.checkDataStore);
  if (!reusable) deps.recentChecks?.set(name, { generation, atMs: now.getTime(), verdict });
  const previous = dataStore.status?.conditions?.find((c) => c.type === 'Ready');
  const ready: Condition = {
    type: 'Ready',
    status: verdict.ok ? 'True' : 'False',
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
    // The time of the last change of status, not of the last check.
    lastTransitionTime: previous && previous.status === (verdict.ok ? 'True' : 'False') ? previous.lastTransitionTime : kubeTime(now),
    reason: verdict.reason,
    message: verdict.message,
  };
  const status: DataStoreStatus = {
    ...dataStore.status,
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
    ready: verdict.ok,
    usedBy,
    conditions: [...(dataStore.status?.conditions ?? []).filter((c) => c.type !== 'Ready'), ready],
  };
  if (!isDeepStrictEqual(status, dataStore.status)) {
    // The resourceVersion makes a concurrent change a conflict: the queue retries with fresh state.
    await deps.dataStores.update(undefined, name, { ...dataStore, status }, { ...WRITE_OPTIONS, target: 'status' });
    if (previous?.status !== ready.status || previous?.reason !== ready.reason) {
      deps.logger.info({ name, ready: verdict.ok, reason: verdict.reason, usedBy: usedBy.length }, verdict.ok ? 'DataStore ready' : 'DataStore not ready');
      deps.events?.record(dataStore, verdict.ok ? 'Normal' : 'Warning', verdict.ok ? 'DataStoreReady' : verdict.reason, verdict.message);
    }
  }
  return { requeueAfterMs: DATASTORE_RECHECK_MS };
}

export type Verdict = { ok: boolean; reason: string; message: string };

async function check(dataStore: DataStore, checkDataStore: (dataStore: DataStore) => Promise<void>): Promise<Verdict> {
  try {
    await checkDataStore(dataStore);
    return { ok: true, reason: 'Ready', message: `connected to ${dataStore.spec.driver} at ${dataStore.spec.endpoints.join(', ')} with the given credentials` };
  } catch (error) {
    if (error instanceof DataStoreCheckError) return { ok: false, reason: error.reason, message: error.message };
    // Not the DataStore's fault as far as we know (the management API failed to answer): retried
    // with backoff rather than written down as a verdict on the DataStore.
    throw error;
  }
}

export interface DataStoreControllerDeps {
  dataStores: ResourceStore;
  /** Shared with the other controllers; started by start() if nobody did. */
  dataStoreInformer: RegistryInformer;
  tenantControlPlaneInformer: RegistryInformer;
  managementClient: KubeClient;
  events?: EventRecorder;
  logger: Logger;
  /** Concurrent checks; each may wait for a connection timeout. */
  workers?: number;
  /** Default: the driver's own client (checkDataStoreWith(managementClient)). */
  checkDataStore?: (dataStore: DataStore) => Promise<void>;
}

/** Started on the leader only, like the TenantControlPlane controller (same start/stop contract). */
export class DataStoreController {
  readonly #controller: Controller;
  readonly #dataStoreInformer: RegistryInformer;
  readonly #tcpInformer: RegistryInformer;
  /** The DataStores each tcp named when last seen, so a tcp moving away requeues the old one. */
  readonly #namedBy = new Map<string, Set<string>>();
  /** Removes this controller's handlers from the shared informers. */
  readonly #unsubscribe: (() => void)[] = [];

  constructor(deps: DataStoreControllerDeps) {
    const logger = deps.logger.child({ controller: 'datastore' });
    this.#tcpInformer = deps.tenantControlPlaneInformer;
    this.#dataStoreInformer = deps.dataStoreInformer;
    const reconcileDeps: DataStoreReconcileDeps = {
      dataStores: deps.dataStores,
      recentChecks: new Map(),
      tenantControlPlanes: () => this.#tcpInformer.list(),
      checkDataStore: deps.checkDataStore ?? checkDataStoreWith(deps.managementClient),
      logger,
      ...(deps.events ? { events: deps.events } : {}),
    };
    this.#controller = new Controller({
      name: 'datastore',
      reconcile: (key) =>
        reconcileDataStore(key, reconcileDeps).catch((error: unknown) => {
          logger.warn({ name: key, err: errorMessage(error) }, 'cannot reconcile DataStore');
          throw error;
        }),
      workers: deps.workers ?? 2,
      logger,
    });
    const onDataStore = this.#dataStoreInformer.on((type, dataStore) => {
      if (type !== 'DELETED') this.#controller.enqueue(objectKey(dataStore));
    });
    // tcps change often (status on every pass): only a change in the DataStores one uses matters.
    const onTenantControlPlane = this.#tcpInformer.on((type, tcp) => {
      const key = objectKey(tcp);
      const now = type === 'DELETED' ? new Set<string>() : dataStoresOf(tcp);
      const before = this.#namedBy.get(key) ?? new Set<string>();
      if (type === 'DELETED') this.#namedBy.delete(key);
      else this.#namedBy.set(key, now);
      const changed = [...before].filter((name) => !now.has(name)).concat([...now].filter((name) => !before.has(name)));
      for (const name of changed) this.#controller.queue.addAfter(name, usedByBatchMs(this.#namedBy.size));
    });
    this.#unsubscribe.push(onDataStore, onTenantControlPlane);
  }

  async start(): Promise<void> {
    // usedBy is computed from the tcp cache: it must be complete before the first DataStore pass.
    await this.#tcpInformer.start();
    await this.#dataStoreInformer.start();
    this.#controller.start();
  }

  /** Stops the queue; the informers are their owner's to stop. */
  async stop(): Promise<void> {
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    await this.#controller.stop();
  }
}
