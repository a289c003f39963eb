// The pass over one TenantControlPlane, counted: what it reads and writes in the registry's storage
// (through instrumentStorage) and in the management cluster (an in-memory stand-in that answers
// reads, creates, replaces, server-side applies and deletes the way kube-apiserver does).
import { ApiException, type KubernetesObject, type V1Secret } from '@kubernetes/client-node';
import pino from 'pino';
import { afterEach, describe, expect, test } from 'vitest';
import { allDeclarations, apiVersion, type TenantControlPlane } from '../../../../src/apis/index.ts';
import type { KubeObject } from '../../../../src/apis/meta.ts';
import { RegistryInformer } from '../../../../src/controllers/runtime/registry-informer.ts';
import type { KubeClient } from '../../../../src/controllers/runtime/kube-client.ts';
import type { TenantDatastores } from '../../../../src/controllers/tenantcontrolplane/datastore-setup.ts';
import { RESYNC_MS, TenantControlPlaneReconciler } from '../../../../src/controllers/tenantcontrolplane/reconciler.ts';
import { createResourceStore } from '../../../../src/registry/resource-store.ts';
import { createStorage, instrumentStorage } from '../../../../src/storage/index.ts';

const logger = pino({ level: 'silent' });
const admin = { username: 'admin', groups: ['system:masters'] };

/** Objects by kind/namespace/name; server-side apply of the same intent changes nothing, as in kube-apiserver. */
class ManagementCluster {
  readonly objects = new Map<string, KubernetesObject>();
  readonly calls: string[] = [];
  #revision = 1;
  /** The last intent applied to each object: applying it again changes nothing. */
  readonly #applied = new Map<string, string>();

  #key(object: KubernetesObject): string {
    return `${object.kind}/${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
  }

  #store(object: KubernetesObject, generation: number): KubernetesObject {
    const stored = structuredClone(object) as KubernetesObject & { spec?: { clusterIP?: string } };
    stored.metadata = { ...stored.metadata, resourceVersion: String(this.#revision++), generation };
    // kube-apiserver allocates a Service its cluster IP.
    if (stored.kind === 'Service' && stored.spec) stored.spec.clusterIP ??= '10.96.0.10';
    this.objects.set(this.#key(object), stored);
    return structuredClone(stored);
  }

  readonly client = {
    read: async (ref: KubernetesObject) => {
      this.calls.push('read');
      const object = this.objects.get(this.#key(ref));
      if (!object) throw new ApiException(404, 'not found', '{"message":"not found"}', {});
      return structuredClone(object);
    },
    create: async (object: KubernetesObject) => {
      this.calls.push('create');
      if (this.objects.has(this.#key(object))) throw new ApiException(409, 'exists', '{"message":"exists"}', {});
      return this.#store(object, 1);
    },
    replace: async (object: KubernetesObject) => {
      this.calls.push('replace');
      return this.#store(object, (this.objects.get(this.#key(object))?.metadata?.generation ?? 0) + 1);
    },
    patch: async (object: KubernetesObject) => {
      this.calls.push('apply');
      const key = this.#key(object);
      const live = this.objects.get(key);
      const intent = JSON.stringify(object);
      if (live && this.#applied.get(key) === intent) return structuredClone(live);
      this.#applied.set(key, intent);
      return this.#store(object, (live?.metadata?.generation ?? 0) + 1);
    },
    delete: async (ref: KubernetesObject) => {
      this.calls.push('delete');
      if (!this.objects.delete(this.#key(ref))) throw new ApiException(404, 'not found', '{"message":"not found"}', {});
      return {};
    },
    list: async () => {
      this.calls.push('list');
      return { items: [] };
    },
  };

  /** What the controller's Secret informer would hold once caught up. */
  readonly secretCache = {
    get: (namespace: string, name: string) => {
      const secret = this.objects.get(`Secret/${namespace}/${name}`);
      return secret && (structuredClone(secret) as V1Secret);
    },
  };

  reads(): string[] {
    return this.calls.filter((call) => call === 'read');
  }

  writes(): string[] {
    return this.calls.filter((call) => call !== 'read' && call !== 'list' && call !== 'apply');
  }
}

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const step of cleanup) step();
  cleanup = [];
});

async function setUp({ annotations = {}, informer = true }: { annotations?: Record<string, string>; informer?: boolean } = {}) {
  const storageCalls: string[] = [];
  const storage = instrumentStorage(await createStorage({ driver: 'memory' }), (operation) => storageCalls.push(operation));
  const store = (plural: string) => createResourceStore(allDeclarations.find((d) => d.plural === plural)!, storage, { defaulting: {}, logger });
  const tenantControlPlanes = store('tenantcontrolplanes');
  const dataStores = store('datastores');
  await Promise.all([tenantControlPlanes.whenSynced(), dataStores.whenSynced()]);
  const dataStore = await dataStores.create(
    undefined,
    {
      apiVersion,
      kind: 'DataStore',
      metadata: { name: 'default' },
      spec: { driver: 'PostgreSQL', endpoints: ['db.example.com:5432'], basicAuth: { username: { content: 'a2FtYWpp' }, password: { content: 'c2VjcmV0' } } },
    } as unknown as KubeObject,
    { user: admin },
  );
  await dataStores.update(undefined, 'default', { ...dataStore.object, status: { ready: true } } as KubeObject, { user: admin, target: 'status' });
  const tenantControlPlaneCache = new RegistryInformer(tenantControlPlanes, logger);
  const dataStoreCache = new RegistryInformer(dataStores, logger);
  cleanup.push(() => {
    tenantControlPlaneCache.stop();
    dataStoreCache.stop();
    tenantControlPlanes.close();
    dataStores.close();
  });
  await Promise.all([tenantControlPlaneCache.start(), dataStoreCache.start()]);

  const management = new ManagementCluster();
  const ensured: string[] = [];
  const removed: string[] = [];
  const datastores: TenantDatastores = {
    connection: async () => ({ dataStoreName: 'default', driver: 'PostgreSQL', endpoints: [{ host: 'db.example.com', port: 5432 }] }),
    ensureTenant: async (_dataStore, tenant) => {
      ensured.push(tenant.username);
      return { changed: ensured.length === 1 };
    },
    removeTenant: async (_dataStore, tenant) => {
      removed.push(tenant.username);
    },
  };
  const reconciler = new TenantControlPlaneReconciler({
    tenantControlPlanes,
    tenantControlPlaneCache,
    dataStoreCache,
    managementClient: management.client as unknown as KubeClient,
    // Without the informer (not synced yet) every Secret is read from the cluster.
    secretCache: informer ? management.secretCache : { get: () => undefined },
    datastores,
    events: { record: () => {} },
    logger,
    options: { kineImage: 'docker.io/rancher/kine:v0.16.4' },
  });
  await tenantControlPlanes.create(
    'tenants',
    {
      apiVersion,
      kind: 'TenantControlPlane',
      metadata: { name: 'sleepy', namespace: 'tenants', annotations },
      spec: {
        dataStore: 'default',
        controlPlane: { deployment: { replicas: 0 }, service: { serviceType: 'ClusterIP' } },
        kubernetes: { version: 'v1.33.1', kubelet: {} },
      },
    } as unknown as KubeObject,
    { user: admin },
  );
  /** Waits until the cache holds what the store holds: a pass reads the cache. */
  const caughtUp = async () => {
    const stored = await tenantControlPlanes.get('tenants', 'sleepy');
    while (tenantControlPlaneCache.get('tenants/sleepy')?.metadata.resourceVersion !== stored.metadata.resourceVersion) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return stored as unknown as TenantControlPlane;
  };
  /** One pass, with what it did to the storage and the management cluster. */
  const pass = async () => {
    // A tcp that is gone has nothing to catch up with.
    await caughtUp().catch(() => undefined);
    storageCalls.length = 0;
    management.calls.length = 0;
    const result = await reconciler.reconcile('tenants/sleepy');
    return { result, storage: [...storageCalls], managementReads: management.reads().length, managementWrites: management.writes() };
  };
  /** Deletes the tcp and waits until the cache shows it deleting (or gone). */
  const remove = async () => {
    await tenantControlPlanes.delete('tenants', 'sleepy', { user: admin });
    const stored = await tenantControlPlanes.get('tenants', 'sleepy').catch(() => undefined);
    while (stored ? tenantControlPlaneCache.get('tenants/sleepy')?.metadata.resourceVersion !== stored.metadata.resourceVersion : tenantControlPlaneCache.get('tenants/sleepy')) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return stored;
  };
  return { pass, caughtUp, remove, management, ensured, removed, tenantControlPlaneCache };
}

describe('TenantControlPlaneReconciler: what a pass costs', () => {
  test('the first pass creates everything and writes the tcp twice (finalizer, status); a pass over an unchanged tcp writes nothing anywhere', async () => {
    const { pass, caughtUp, management, ensured } = await setUp();

    const first = await pass();
    expect(first.result.requeueAfterMs).toBeGreaterThanOrEqual(RESYNC_MS);
    expect(first.storage.filter((operation) => operation !== 'get')).toEqual(['update', 'update']);
    expect(first.managementWrites.filter((write) => write === 'create').length).toBeGreaterThanOrEqual(10);
    const tcp = await caughtUp();
    expect(tcp.metadata.finalizers).toEqual(['finalizer.kamaji.clastix.io']);
    expect(tcp.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'Sleeping' });
    const objectsAfterFirst = structuredClone([...management.objects.entries()]);

    for (let i = 0; i < 2; i++) {
      const steady = await pass();
      expect(steady.result.requeueAfterMs).toBeGreaterThanOrEqual(RESYNC_MS);
      expect(steady.storage).toEqual([]);
      expect(steady.managementWrites).toEqual([]);
      // The Service and the Deployment; every Secret comes from the informer's cache.
      expect(steady.managementReads).toBe(2);
    }
    expect([...management.objects.entries()]).toEqual(objectsAfterFirst);
    expect((await caughtUp()).metadata.resourceVersion).toBe(tcp.metadata.resourceVersion);
    // The schema and user were set up once; the status remembers it.
    expect(ensured).toEqual([tcp.spec.dataStoreUsername]);
  });

  test('deleting: one pass stops the Deployment, drops the tenant from its DataStore and lets the tcp go; then nothing is left to do', async () => {
    const { pass, remove, management, removed, tenantControlPlaneCache } = await setUp();
    await pass();
    expect(management.objects.has('Deployment/tenants/sleepy')).toBe(true);
    const deleting = await remove();
    expect(deleting?.metadata.deletionTimestamp).toBeDefined();

    const finalizing = await pass();
    expect(finalizing.result).toEqual({});
    // Removing the last finalizer of a deleting object deletes it: one write (the patch reads it first).
    expect(finalizing.storage.filter((operation) => operation !== 'get')).toEqual(['delete']);
    expect(management.objects.has('Deployment/tenants/sleepy')).toBe(false);
    expect(management.objects.has('Secret/tenants/sleepy-datastore-config')).toBe(false);
    expect(removed).toHaveLength(1);

    while (tenantControlPlaneCache.get('tenants/sleepy')) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await pass()).toEqual({ result: {}, storage: [], managementReads: 0, managementWrites: [] });
  });

  test('without the Secret informer (not synced yet) a pass reads every Secret from the cluster and still changes nothing', async () => {
    const { pass } = await setUp({ informer: false });
    await pass();
    const steady = await pass();
    expect(steady.storage).toEqual([]);
    expect(steady.managementWrites).toEqual([]);
    expect(steady.managementReads).toBeGreaterThan(10);
  });

  test('a paused tcp costs nothing: no storage call, no management call', async () => {
    const { pass, management } = await setUp({ annotations: { 'kamaji.clastix.io/paused': 'true' } });
    expect(await pass()).toEqual({ result: {}, storage: [], managementReads: 0, managementWrites: [] });
    expect(management.calls).toEqual([]);
  });
});
