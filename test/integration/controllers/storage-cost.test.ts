// What the controllers cost the storage, counted through instrumentStorage as the server's
// /metrics counts it: the registry and memory storage in-process, the DataStore and
// TenantControlPlane controllers running over them. Paused tcps and failing passes never reach the
// management cluster, so its kubeconfig points at a port where nothing listens.
import { KubeConfig } from '@kubernetes/client-node';
import pino from 'pino';
import { afterEach, describe, expect, test } from 'vitest';
import { apiVersion, type DataStore, type TenantControlPlane } from '../../../src/apis/index.ts';
import type { KubeObject, UserInfo } from '../../../src/apis/meta.ts';
import { DataStoreController } from '../../../src/controllers/datastore/controller.ts';
import { startControllers } from '../../../src/controllers/index.ts';
import type { EventRecorder } from '../../../src/controllers/runtime/event-recorder.ts';
import type { KubeClient } from '../../../src/controllers/runtime/kube-client.ts';
import { RegistryInformer } from '../../../src/controllers/runtime/registry-informer.ts';
import type { TenantDatastores } from '../../../src/controllers/tenantcontrolplane/datastore-setup.ts';
import { TenantControlPlaneController } from '../../../src/controllers/tenantcontrolplane/controller.ts';
import type { Registry } from '../../../src/registry/registry.ts';
import type { ResourceStore } from '../../../src/registry/store.ts';
import { createStorage, instrumentStorage } from '../../../src/storage/index.ts';
import { createTenancyRegistry } from '../../../src/tenancy-registry.ts';

const admin: UserInfo = { username: 'admin', groups: ['system:masters'] };
const logger = pino({ level: 'silent' });
const PAUSED = { 'kamaji.clastix.io/paused': 'test' };

/** Storage calls by operation, as the server's storage histogram counts them. */
class StorageCalls {
  readonly #counts = new Map<string, number>();
  observe = (operation: string): void => {
    this.#counts.set(operation, (this.#counts.get(operation) ?? 0) + 1);
  };
  get total(): number {
    return [...this.#counts.values()].reduce((sum, count) => sum + count, 0);
  }
  of(operation: string): number {
    return this.#counts.get(operation) ?? 0;
  }
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.#counts);
  }
}

let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

/** The registry as main.ts builds it (admission hooks, the shared tcp informer) over counted memory storage. */
async function counted(): Promise<{
  calls: StorageCalls;
  registry: Registry;
  tenantControlPlaneInformer: RegistryInformer;
  dataStores: ResourceStore;
  tenantControlPlanes: ResourceStore;
}> {
  const calls = new StorageCalls();
  const storage = instrumentStorage(await createStorage({ driver: 'memory' }), calls.observe);
  const { registry, tenantControlPlaneInformer, close } = createTenancyRegistry({ storage, logger });
  await registry.whenReady();
  cleanup.push(close);
  return { calls, registry, tenantControlPlaneInformer, dataStores: registry.resource('datastores')!.store, tenantControlPlanes: registry.resource('tenantcontrolplanes')!.store };
}

function unreachableManagementCluster(): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'nowhere', server: 'https://127.0.0.1:1', skipTLSVerify: true }],
    users: [{ name: 'nobody', token: 'none' }],
    contexts: [{ name: 'nowhere', cluster: 'nowhere', user: 'nobody' }],
    currentContext: 'nowhere',
  });
  return kubeConfig;
}

/** The informers both controllers share, as startControllers makes them. */
function informers(dataStores: ResourceStore, tenantControlPlanes: ResourceStore): { dataStoreInformer: RegistryInformer; tenantControlPlaneInformer: RegistryInformer } {
  const dataStoreInformer = new RegistryInformer(dataStores, logger);
  const tenantControlPlaneInformer = new RegistryInformer(tenantControlPlanes, logger);
  cleanup.push(() => {
    dataStoreInformer.stop();
    tenantControlPlaneInformer.stop();
  });
  return { dataStoreInformer, tenantControlPlaneInformer };
}

/** The DataStore controller; every DataStore check passes (the database is not what is measured). */
async function startDataStoreController(dataStores: ResourceStore, shared: ReturnType<typeof informers>): Promise<void> {
  const controller = new DataStoreController({
    dataStores,
    ...shared,
    managementClient: undefined as unknown as KubeClient,
    checkDataStore: async () => {},
    logger,
  });
  cleanup.push(() => controller.stop());
  await controller.start();
}

async function startTenantControlPlaneController(
  tenantControlPlanes: ResourceStore,
  shared: ReturnType<typeof informers>,
  events: EventRecorder,
): Promise<void> {
  const controller = new TenantControlPlaneController({
    tenantControlPlanes,
    ...shared,
    managementKubeConfig: unreachableManagementCluster(),
    managementClient: undefined as unknown as KubeClient,
    datastores: undefined as unknown as TenantDatastores,
    events,
    logger,
    workers: 4,
    options: { kineImage: 'docker.io/rancher/kine:v0.16.4' },
  });
  cleanup.push(() => controller.stop());
  // start() resolves once the management informers have listed, which they never will here; the
  // registry side runs by then.
  void controller.start();
}

function dataStore(name: string): KubeObject {
  return {
    apiVersion,
    kind: 'DataStore',
    metadata: { name },
    spec: {
      driver: 'PostgreSQL',
      endpoints: ['db.example.com:5432'],
      basicAuth: { username: { content: 'a2FtYWpp' }, password: { content: 'c2VjcmV0' } },
    },
  } as unknown as KubeObject;
}

function tenantControlPlane(name: string, annotations: Record<string, string> = {}): KubeObject {
  return {
    apiVersion,
    kind: 'TenantControlPlane',
    metadata: { name, namespace: 'tenants', annotations },
    spec: {
      dataStore: 'default',
      controlPlane: { deployment: { replicas: 0 }, service: { serviceType: 'ClusterIP' } },
      kubernetes: { version: 'v1.33.1', kubelet: {} },
    },
  } as unknown as KubeObject;
}

async function until(condition: () => Promise<boolean> | boolean): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** Waits until no storage call has been made for a while: the controllers have nothing left to do. */
async function quiet(calls: StorageCalls): Promise<void> {
  for (let last = -1; last !== calls.total; ) {
    last = calls.total;
    await new Promise((resolve) => setTimeout(resolve, 600));
  }
}

/** Gets the test itself makes while it waits, so they are not counted against the controllers. */
let ownGets = 0;

async function usedBy(dataStores: ResourceStore, count: number): Promise<void> {
  await until(async () => {
    ownGets++;
    const status = ((await dataStores.get(undefined, 'default')) as unknown as DataStore).status;
    return status?.ready === true && status.usedBy?.length === count;
  });
}

/** Creates and deletes `count` paused tcps through the registry: what the API requests cost. */
async function createAndDeletePaused(tenantControlPlanes: ResourceStore, prefix: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await tenantControlPlanes.create('tenants', tenantControlPlane(`${prefix}-${i}`, PAUSED), { user: admin });
  for (let i = 0; i < count; i++) await tenantControlPlanes.delete('tenants', `${prefix}-${i}`, { user: admin });
}

describe('the controllers and the storage', () => {
  test('paused tcps created and deleted in bulk cost the controllers a bounded number of storage calls, not some per tcp', async () => {
    const N = 50;
    const { calls, dataStores, tenantControlPlanes } = await counted();
    await dataStores.create(undefined, dataStore('default'), { user: admin });

    // What the API requests alone cost, before any controller runs.
    const before = calls.snapshot();
    await createAndDeletePaused(tenantControlPlanes, 'alone', N);
    const apiAlone = diff(calls.snapshot(), before);

    const shared = informers(dataStores, tenantControlPlanes);
    await startDataStoreController(dataStores, shared);
    await startTenantControlPlaneController(tenantControlPlanes, shared, { record: () => {} });
    await usedBy(dataStores, 0);
    await quiet(calls);

    const start = calls.snapshot();
    ownGets = 0;
    for (let i = 0; i < N; i++) await tenantControlPlanes.create('tenants', tenantControlPlane(`t-${i}`, PAUSED), { user: admin });
    await usedBy(dataStores, N);
    for (let i = 0; i < N; i++) await tenantControlPlanes.delete('tenants', `t-${i}`, { user: admin });
    await usedBy(dataStores, 0);
    await quiet(calls);
    const withControllers = diff(calls.snapshot(), start);

    // The controllers' share: the DataStore's usedBy, rewritten a few times as the tcps come and
    // go (each write a get and an update); nothing per paused tcp.
    const controllers = Object.fromEntries(
      Object.entries(withControllers).map(([operation, count]) => [operation, count - (apiAlone[operation] ?? 0) - (operation === 'get' ? ownGets : 0)]),
    );
    const total = Object.values(controllers).reduce((sum, count) => sum + count, 0);
    const counts = JSON.stringify({ apiAlone, withControllers, ownGets });
    expect(controllers, counts).toMatchObject({ create: 0, delete: 0 });
    expect(total, counts).toBeLessThanOrEqual(10);
  });

  test('wired as the server wires them (startControllers, one informer per resource): paused tcps still cost nothing per tcp', async () => {
    const N = 30;
    const { calls, registry, tenantControlPlaneInformer, dataStores, tenantControlPlanes } = await counted();
    // Nothing listens at this DataStore either: the DataStore controller finds it unreachable.
    await dataStores.create(undefined, { ...dataStore('default'), spec: { ...dataStore('default').spec, endpoints: ['127.0.0.1:1'] } }, { user: admin });
    const before = calls.snapshot();
    await createAndDeletePaused(tenantControlPlanes, 'alone', N);
    const apiAlone = diff(calls.snapshot(), before);

    const controllers = startControllers({
      registry,
      tenantControlPlaneInformer,
      managementKubeConfig: unreachableManagementCluster(),
      namespace: 'kamaji-system',
      identity: 'test',
      maxConcurrentReconciles: 4,
      leaderElect: false,
      logger,
    });
    cleanup.push(() => controllers.stop());
    await until(async () => ((await dataStores.get(undefined, 'default')) as unknown as DataStore).status?.ready === false);
    await quiet(calls);

    const start = calls.snapshot();
    await createAndDeletePaused(tenantControlPlanes, 'wired', N);
    await quiet(calls);
    const withControllers = diff(calls.snapshot(), start);
    const extra = Object.entries(withControllers).reduce((sum, [operation, count]) => sum + count - (apiAlone[operation] ?? 0), 0);
    expect(extra, JSON.stringify({ apiAlone, withControllers })).toBeLessThanOrEqual(10);
  });

  test('a tcp whose pass keeps failing the same way is written once, and its retries read and write nothing', async () => {
    const { calls, dataStores, tenantControlPlanes } = await counted();
    // No DataStore controller: the DataStore never becomes ready, and every storage call below is
    // the TenantControlPlane controller's.
    await dataStores.create(undefined, dataStore('default'), { user: admin });
    const failures: string[] = [];
    await startTenantControlPlaneController(tenantControlPlanes, informers(dataStores, tenantControlPlanes), {
      record: (_target, _type, reason) => failures.push(reason),
    });

    await tenantControlPlanes.create('tenants', tenantControlPlane('waiting'), { user: admin });
    const current = async () => (await tenantControlPlanes.get('tenants', 'waiting')) as unknown as TenantControlPlane;
    await until(async () => (await current()).status?.conditions?.find((c) => c.type === 'Ready')?.reason === 'DataStoreNotReady');
    const written = await current();

    // Each failed pass records an event; the queue retries with growing delays (5 ms, 10 ms, ...).
    const start = calls.snapshot();
    const failedBefore = failures.length;
    await until(() => failures.length >= failedBefore + 3);
    expect(diff(calls.snapshot(), start)).toEqual({});
    expect(failures.slice(failedBefore).every((reason) => reason === 'DataStoreNotReady')).toBe(true);
    expect((await current()).metadata.resourceVersion).toBe(written.metadata.resourceVersion);
  });
});

function diff(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after)
      .map(([operation, count]) => [operation, count - (before[operation] ?? 0)] as const)
      .filter(([, count]) => count !== 0),
  );
}
