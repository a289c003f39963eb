import { describe, expect, it } from 'vitest';
import type { DataStore } from '../../../../src/apis/index.ts';
import type { KubeObject } from '../../../../src/apis/meta.ts';
import { DATASTORE_RECHECK_MS, DataStoreController, reconcileDataStore, usedByBatchMs, type DataStoreReconcileDeps } from '../../../../src/controllers/datastore/controller.ts';
import { DataStoreCheckError } from '../../../../src/controllers/datastore/index.ts';
import { RegistryInformer } from '../../../../src/controllers/runtime/registry-informer.ts';
import { admin, dataStore, logger, newRegistry, tenantControlPlane } from './fixtures.ts';

async function setUp() {
  const { registry, dataStores, tenantControlPlanes } = newRegistry();
  await registry.whenReady();
  await dataStores.create(undefined, dataStore('pg'), { user: admin });
  await dataStores.create(undefined, dataStore('other'), { user: admin });
  await tenantControlPlanes.create('zeta', tenantControlPlane('z', { dataStore: 'pg' }, 'zeta'), { user: admin });
  await tenantControlPlanes.create('alpha', tenantControlPlane('a', { dataStore: 'pg' }, 'alpha'), { user: admin });
  await tenantControlPlanes.create('alpha', tenantControlPlane('elsewhere', { dataStore: 'other' }, 'alpha'), { user: admin });
  let tcps: KubeObject[] = (await tenantControlPlanes.list({})).items;
  let verdict: Error | undefined;
  let now = new Date('2026-01-01T10:00:00Z');
  const checks = { count: 0 };
  const deps: DataStoreReconcileDeps = {
    dataStores,
    tenantControlPlanes: () => tcps,
    checkDataStore: async () => {
      checks.count++;
      if (verdict) throw verdict;
    },
    logger,
    clock: () => now,
  };
  return {
    deps,
    checks,
    dataStores,
    get: async () => (await dataStores.get(undefined, 'pg')) as unknown as DataStore,
    fail: (error: Error | undefined) => (verdict = error),
    at: (time: string) => (now = new Date(time)),
    setTcps: (items: KubeObject[]) => (tcps = items),
  };
}

describe('reconcileDataStore', () => {
  it('writes ready, a Ready condition and the sorted users, and asks to be checked again', async () => {
    const { deps, get } = await setUp();
    expect(await reconcileDataStore('pg', deps)).toEqual({ requeueAfterMs: DATASTORE_RECHECK_MS });
    const { status, metadata } = await get();
    expect(status).toEqual({
      observedGeneration: metadata.generation,
      ready: true,
      usedBy: ['alpha/a', 'zeta/z'],
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          observedGeneration: metadata.generation,
          lastTransitionTime: '2026-01-01T10:00:00Z',
          reason: 'Ready',
          message: 'connected to PostgreSQL at db.example.com:5432 with the given credentials',
        },
      ],
    });
  });

  it('says why a DataStore cannot be used, and keeps the transition time while that stays so', async () => {
    const { deps, get, fail, at } = await setUp();
    await reconcileDataStore('pg', deps);
    fail(new DataStoreCheckError('AuthenticationFailed', 'PostgreSQL at db.example.com:5432 refused the credentials of spec.basicAuth'));
    at('2026-01-01T10:01:00Z');
    await reconcileDataStore('pg', deps);
    let status = (await get()).status!;
    expect(status.ready).toBe(false);
    expect(status.conditions).toEqual([
      expect.objectContaining({ status: 'False', reason: 'AuthenticationFailed', lastTransitionTime: '2026-01-01T10:01:00Z', message: 'PostgreSQL at db.example.com:5432 refused the credentials of spec.basicAuth' }),
    ]);
    fail(new DataStoreCheckError('Unreachable', 'cannot reach PostgreSQL at db.example.com:5432'));
    at('2026-01-01T10:02:00Z');
    await reconcileDataStore('pg', deps);
    status = (await get()).status!;
    expect(status.conditions).toEqual([expect.objectContaining({ status: 'False', reason: 'Unreachable', lastTransitionTime: '2026-01-01T10:01:00Z' })]);
  });

  it('writes the status under its own field manager', async () => {
    const { deps, get } = await setUp();
    await reconcileDataStore('pg', deps);
    expect((await get()).metadata.managedFields).toContainEqual(
      expect.objectContaining({ manager: 'kamaji-ts-datastore-controller', operation: 'Update', subresource: 'status' }),
    );
  });

  it('writes nothing when nothing changed', async () => {
    const { deps, get, at } = await setUp();
    await reconcileDataStore('pg', deps);
    const before = (await get()).metadata.resourceVersion;
    at('2026-01-01T11:00:00Z');
    await reconcileDataStore('pg', deps);
    expect((await get()).metadata.resourceVersion).toBe(before);
  });

  it('follows the tcps: one gone is no longer listed', async () => {
    const { deps, get, setTcps } = await setUp();
    await reconcileDataStore('pg', deps);
    setTcps([]);
    await reconcileDataStore('pg', deps);
    expect((await get()).status?.usedBy).toEqual([]);
  });

  it('leaves failures that are not the DataStore’s to the queue, without a verdict', async () => {
    const { deps, get, fail } = await setUp();
    fail(new Error('the management API did not answer'));
    await expect(reconcileDataStore('pg', deps)).rejects.toThrow('the management API did not answer');
    expect((await get()).status).toBeUndefined();
  });

  it('reuses a recent verdict for the same generation instead of connecting again', async () => {
    const { deps, checks, get, at, setTcps, dataStores } = await setUp();
    deps.recentChecks = new Map();
    await reconcileDataStore('pg', deps);
    setTcps([]);
    at('2026-01-01T10:00:10Z');
    await reconcileDataStore('pg', deps);
    expect(checks.count).toBe(1);
    expect((await get()).status?.usedBy).toEqual([]);
    at('2026-01-01T10:01:00Z');
    await reconcileDataStore('pg', deps);
    expect(checks.count).toBe(2);
    // A new generation (the spec changed) is checked at once.
    const current = await dataStores.get(undefined, 'pg');
    await dataStores.update(undefined, 'pg', { ...current, spec: { ...current.spec, endpoints: ['db2.example.com:5432'] } }, { user: admin });
    await reconcileDataStore('pg', deps);
    expect(checks.count).toBe(3);
  });

  it('is done with a DataStore that no longer exists', async () => {
    const { deps } = await setUp();
    expect(await reconcileDataStore('gone', deps)).toEqual({});
  });
});

describe('usedByBatchMs', () => {
  it('gathers usedBy passes longer the more tcps a status lists', () => {
    expect(usedByBatchMs(0)).toBe(250);
    expect(usedByBatchMs(1_000)).toBe(500);
    expect(usedByBatchMs(10_000)).toBe(2_750);
  });
});

describe('DataStoreController', () => {
  it('keeps usedBy current as tcps come, move and go', async () => {
    const { registry, dataStores, tenantControlPlanes } = newRegistry();
    await registry.whenReady();
    await dataStores.create(undefined, dataStore('pg'), { user: admin });
    await dataStores.create(undefined, dataStore('other'), { user: admin });
    const dataStoreInformer = new RegistryInformer(dataStores, logger);
    const tenantControlPlaneInformer = new RegistryInformer(tenantControlPlanes, logger);
    const controller = new DataStoreController({
      dataStores,
      dataStoreInformer,
      tenantControlPlaneInformer,
      managementClient: undefined as never,
      checkDataStore: async () => {},
      logger,
    });
    /** Resolves once DataStore `name` reports exactly `users`. */
    const usedBy = async (name: string, users: string[]) => {
      for (;;) {
        const status = ((await dataStores.get(undefined, name)) as unknown as DataStore).status;
        if (status?.ready && JSON.stringify(status.usedBy) === JSON.stringify(users)) return;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    await controller.start();
    try {
      await usedBy('pg', []);
      await tenantControlPlanes.create('t', tenantControlPlane('a', { dataStore: 'pg' }, 't'), { user: admin });
      await usedBy('pg', ['t/a']);
      const tcp = await tenantControlPlanes.get('t', 'a');
      await tenantControlPlanes.update('t', 'a', { ...tcp, spec: { ...tcp.spec, dataStore: 'other' } }, { user: admin });
      await usedBy('other', ['t/a']);
      await usedBy('pg', []);
      await tenantControlPlanes.delete('t', 'a', { user: admin });
      await usedBy('other', []);
    } finally {
      await controller.stop();
      dataStoreInformer.stop();
      tenantControlPlaneInformer.stop();
    }
  });
});
