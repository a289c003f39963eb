import { describe, expect, it, vi } from 'vitest';
import { admin, dataStore, newRegistry, statusOf, tenantControlPlane } from './fixtures.ts';

describe('DataStore admission', () => {
  it('refuses to delete a DataStore in use, naming the tcps, and deletes it once unused', async () => {
    const { dataStores, tenantControlPlanes, registry } = newRegistry();
    await registry.whenReady();
    await dataStores.create(undefined, dataStore('pg'), { user: admin });
    await tenantControlPlanes.create('team-b', tenantControlPlane('beta', { dataStore: 'pg' }, 'team-b'), { user: admin });
    await tenantControlPlanes.create('team-a', tenantControlPlane('alpha', { dataStore: 'pg' }, 'team-a'), { user: admin });

    const refused = await statusOf(dataStores.delete(undefined, 'pg', { user: admin }));
    expect(refused.code).toBe(409);
    expect(refused.message).toBe(
      'Operation cannot be fulfilled on datastores.tenancy.kamaji.io "pg": DataStore is in use by TenantControlPlanes team-a/alpha, team-b/beta; delete them or move them to another DataStore first',
    );
    // A dry run is refused the same way.
    expect((await statusOf(dataStores.delete(undefined, 'pg', { user: admin, dryRun: true }))).code).toBe(409);

    await tenantControlPlanes.delete('team-a', 'alpha', { user: admin });
    await tenantControlPlanes.delete('team-b', 'beta', { user: admin });
    expect((await dataStores.delete(undefined, 'pg', { user: admin })).deleted).toBe(true);
  });

  it('refuses a tcp naming a DataStore that does not exist, or none at all', async () => {
    const { dataStores, tenantControlPlanes, registry } = newRegistry();
    await registry.whenReady();
    const missing = await statusOf(tenantControlPlanes.create('t', tenantControlPlane('a', { dataStore: 'nope' }, 't'), { user: admin }));
    expect(missing.code).toBe(422);
    expect(missing.message).toBe(
      'TenantControlPlane.tenancy.kamaji.io "a" is invalid: spec.dataStore: Invalid value: "nope": no DataStore "nope" exists (kubectl get datastores lists them)',
    );
    expect(missing.details?.causes?.map((c) => c.field)).toEqual(['spec.dataStore']);
    const none = await statusOf(tenantControlPlanes.create('t', tenantControlPlane('a', {}, 't'), { user: admin }));
    expect(none.details?.causes?.map((c) => c.field)).toEqual(['spec.dataStore']);

    await dataStores.create(undefined, dataStore('pg'), { user: admin });
    await tenantControlPlanes.create('t', tenantControlPlane('a', { dataStore: 'pg' }, 't'), { user: admin });
    const moved = await tenantControlPlanes.get('t', 'a');
    const retargeted = { ...moved, spec: { ...moved.spec, dataStore: 'gone' } };
    expect((await statusOf(tenantControlPlanes.update('t', 'a', retargeted, { user: admin }))).details?.causes?.map((c) => c.field)).toEqual([
      'spec.dataStore',
    ]);
    // Updates that leave spec.dataStore alone are not checked again.
    const labelled = { ...moved, metadata: { ...moved.metadata, labels: { team: 'a' } } };
    await tenantControlPlanes.update('t', 'a', labelled, { user: admin });
  });

  it('wants etcd DataStores that exist in dataStoreOverrides', async () => {
    const { dataStores, tenantControlPlanes, registry } = newRegistry();
    await registry.whenReady();
    await dataStores.create(undefined, dataStore('pg'), { user: admin });
    const refused = await statusOf(
      tenantControlPlanes.create(
        't',
        tenantControlPlane('a', { dataStore: 'pg', dataStoreOverrides: [{ resource: '/events', dataStore: 'pg' }, { resource: '/leases', dataStore: 'x' }] }, 't'),
        { user: admin },
      ),
    );
    expect(refused.details?.causes?.map((c) => c.field)).toEqual(['spec.dataStoreOverrides[0].dataStore', 'spec.dataStoreOverrides[1].dataStore']);
    expect(refused.message).toContain('overrides need an etcd DataStore; "pg" is PostgreSQL');
  });

  it('refuses a schema or user that another tcp holds in the same DataStore', async () => {
    const { dataStores, tenantControlPlanes, registry } = newRegistry();
    await registry.whenReady();
    await dataStores.create(undefined, dataStore('pg'), { user: admin });
    await dataStores.create(undefined, dataStore('other'), { user: admin });
    await tenantControlPlanes.create('a', tenantControlPlane('victim', { dataStore: 'pg', dataStoreSchema: 'shared', dataStoreUsername: 'victim' }, 'a'), { user: admin });
    const refused = await statusOf(
      tenantControlPlanes.create('b', tenantControlPlane('thief', { dataStore: 'pg', dataStoreSchema: 'shared', dataStoreUsername: 'victim' }, 'b'), { user: admin }),
    );
    expect(refused.code).toBe(422);
    expect(refused.details?.causes?.map((c) => c.field)).toEqual(['spec.dataStoreSchema', 'spec.dataStoreUsername']);
    expect(refused.message).toContain('already used by TenantControlPlane a/victim in DataStore "pg"');
    // In another DataStore the same names are someone else's business.
    await tenantControlPlanes.create('b', tenantControlPlane('elsewhere', { dataStore: 'other', dataStoreSchema: 'shared', dataStoreUsername: 'victim' }, 'b'), { user: admin });
  });

  it('frees a schema and user once their tcp is gone', async () => {
    const { dataStores, tenantControlPlanes, registry, tenantControlPlaneInformer } = newRegistry();
    await registry.whenReady();
    await dataStores.create(undefined, dataStore('pg'), { user: admin });
    await tenantControlPlanes.create('a', tenantControlPlane('first', { dataStore: 'pg', dataStoreSchema: 'kept', dataStoreUsername: 'kept' }, 'a'), { user: admin });
    await vi.waitFor(() => expect(tenantControlPlaneInformer.get('a/first')).toBeDefined());
    // An update of the holder itself is not a conflict with itself.
    await tenantControlPlanes.patch('a', 'first', 'merge', JSON.stringify({ metadata: { labels: { touched: 'yes' } } }), { user: admin });

    await tenantControlPlanes.delete('a', 'first', { user: admin });
    await vi.waitFor(() => expect(tenantControlPlaneInformer.get('a/first')).toBeUndefined());
    await tenantControlPlanes.create('b', tenantControlPlane('second', { dataStore: 'pg', dataStoreSchema: 'kept', dataStoreUsername: 'kept' }, 'b'), { user: admin });
  });

  it('checks shared names and the DataStore without reading storage for each create', async () => {
    const { dataStores, tenantControlPlanes, registry, storageCalls } = newRegistry();
    await registry.whenReady();
    await dataStores.create(undefined, dataStore('pg'), { user: admin });
    await vi.waitFor(() => expect(dataStores.get(undefined, 'pg', { resourceVersion: '0' })).resolves.toBeDefined());
    const listsBefore = storageCalls.get('list') ?? 0;
    const getsBefore = storageCalls.get('get') ?? 0;
    for (let i = 0; i < 30; i++) {
      await tenantControlPlanes.create('t', tenantControlPlane(`tcp-${i}`, { dataStore: 'pg' }, 't'), { user: admin });
    }
    // One list when the names index starts; a list per create would make the 10,000th create read 10,000 objects.
    expect((storageCalls.get('list') ?? 0) - listsBefore).toBeLessThanOrEqual(1);
    // The DataStore comes from the watch cache.
    expect((storageCalls.get('get') ?? 0) - getsBefore).toBe(0);
  });
});
