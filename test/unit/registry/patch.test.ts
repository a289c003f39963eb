import { describe, expect, test } from 'vitest';
import { setup, statusOf, user, widget } from './fixtures.ts';
import { tenantControlPlaneDeclaration } from '../../../src/apis/index.ts';


async function withWidget() {
  const made = setup();
  const a = (await made.store.create('ns1', widget('a', { size: 2, color: 'red', tags: ['x'] }), { user })).object;
  return { ...made, a };
}

describe('JSON patch', () => {
  test('applies operations and bumps generation', async () => {
    const { store } = await withWidget();
    const { object } = await store.patch('ns1', 'a', 'json', JSON.stringify([{ op: 'replace', path: '/spec/size', value: 5 }]), { user });
    expect(object.spec!.size).toBe(5);
    expect(object.metadata.generation).toBe(2);
  });

  test('malformed patch: 400', async () => {
    const { store } = await withWidget();
    expect((await statusOf(() => store.patch('ns1', 'a', 'json', '{not json', { user }))).code).toBe(400);
    expect((await statusOf(() => store.patch('ns1', 'a', 'json', '{"op":"add"}', { user }))).code).toBe(400);
  });

  test('failing test op or missing path: 422', async () => {
    const { store } = await withWidget();
    const failed = await statusOf(() =>
      store.patch('ns1', 'a', 'json', JSON.stringify([{ op: 'test', path: '/spec/size', value: 9 }]), { user }),
    );
    expect(failed).toMatchObject({ code: 422, reason: 'Invalid' });
    expect(failed.message).toContain('Test operation failed');
    const missing = await statusOf(() => store.patch('ns1', 'a', 'json', JSON.stringify([{ op: 'remove', path: '/spec/nope/x' }]), { user }));
    expect(missing.code).toBe(422);
  });

  test('more than 10000 operations: 413', async () => {
    const { store } = await withWidget();
    const ops = Array.from({ length: 10_001 }, () => ({ op: 'test', path: '/kind', value: 'Widget' }));
    const status = await statusOf(() => store.patch('ns1', 'a', 'json', JSON.stringify(ops), { user }));
    expect(status).toMatchObject({
      code: 413,
      reason: 'RequestEntityTooLarge',
      message: 'The allowed maximum operations in a JSON patch is 10000, got 10001',
    });
  });

  test('a patch that breaks the schema: 422', async () => {
    const { store } = await withWidget();
    const status = await statusOf(() => store.patch('ns1', 'a', 'json', JSON.stringify([{ op: 'replace', path: '/spec/size', value: 0 }]), { user }));
    expect(status.code).toBe(422);
    expect(status.details).toMatchObject({ causes: [{ field: 'spec.size' }] });
  });
});

describe('merge patch', () => {
  test('RFC 7386: merges objects, null deletes, lists replace', async () => {
    const { store } = await withWidget();
    const { object } = await store.patch('ns1', 'a', 'merge', JSON.stringify({ spec: { size: 4, tags: ['y', 'z'] } }), { user });
    expect(object.spec).toEqual({ size: 4, color: 'red', tags: ['y', 'z'], owner: 'default' });
    const deleted = await store.patch('ns1', 'a', 'merge', JSON.stringify({ spec: { tags: null } }), { user });
    expect(deleted.object.spec).toEqual({ size: 4, color: 'red', owner: 'default' });
  });

  test('unconditional unless the patch carries metadata.resourceVersion', async () => {
    const { store, a } = await withWidget();
    await store.patch('ns1', 'a', 'merge', JSON.stringify({ metadata: { labels: { one: '1' } } }), { user });
    const stale = await statusOf(() =>
      store.patch('ns1', 'a', 'merge', JSON.stringify({ metadata: { resourceVersion: a.metadata.resourceVersion, labels: { two: '2' } } }), { user }),
    );
    expect(stale.code).toBe(409);
    expect(stale.reason).toBe('Conflict');
    const current = await store.get('ns1', 'a');
    const ok = await store.patch(
      'ns1',
      'a',
      'merge',
      JSON.stringify({ metadata: { resourceVersion: current.metadata.resourceVersion, labels: { two: '2' } } }),
      { user },
    );
    expect(ok.object.metadata.labels).toEqual({ one: '1', two: '2' });
  });

  test('concurrent patches both land (retries on storage conflicts)', async () => {
    const { store } = await withWidget();
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => store.patch('ns1', 'a', 'merge', JSON.stringify({ metadata: { labels: { [`l${i}`]: 'v' } } }), { user })),
    );
    expect(Object.keys((await store.get('ns1', 'a')).metadata.labels!).length).toBe(10);
  });

  test('patching the status subresource changes only status', async () => {
    const { store } = await withWidget();
    const { object } = await store.patch('ns1', 'a', 'merge', JSON.stringify({ spec: { size: 9 }, status: { phase: 'Ready' } }), {
      user,
      target: 'status',
    });
    expect(object.status).toEqual({ phase: 'Ready' });
    expect(object.spec!.size).toBe(2);
    expect(object.metadata.generation).toBe(1);
  });

  test('missing object: 404', async () => {
    const { store } = await withWidget();
    expect((await statusOf(() => store.patch('ns1', 'zz', 'merge', '{}', { user }))).code).toBe(404);
  });

  test('force is only for apply: 422 on PatchOptions', async () => {
    const { store } = await withWidget();
    const status = await statusOf(() => store.patch('ns1', 'a', 'merge', '{}', { user, force: true }));
    expect(status).toMatchObject({ code: 422, message: 'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch' });
  });

  test('dryRun persists nothing', async () => {
    const { store, storage } = await withWidget();
    const before = await storage.currentRevision();
    const { object } = await store.patch('ns1', 'a', 'merge', JSON.stringify({ spec: { size: 8 } }), { user, dryRun: true });
    expect(object.spec!.size).toBe(8);
    expect(await storage.currentRevision()).toBe(before);
  });
});

describe('server-side apply', () => {
  const config = (spec: Record<string, unknown>, name = 'a') =>
    JSON.stringify({ apiVersion: 'example.kamaji.io/v1', kind: 'Widget', metadata: { name }, spec });

  test('fieldManager is required: 422', async () => {
    const { store } = await withWidget();
    const status = await statusOf(() => store.patch('ns1', 'a', 'apply', config({ size: 3 }), { user }));
    expect(status).toMatchObject({ code: 422, message: 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch' });
  });

  test('apply to a missing object creates it', async () => {
    const { store } = setup();
    const result = await store.patch('ns1', 'b', 'apply', 'apiVersion: example.kamaji.io/v1\nkind: Widget\nmetadata:\n  name: b\nspec:\n  size: 3\n', {
      user,
      fieldManager: 'kubectl',
    });
    expect(result.created).toBe(true);
    expect(result.object.spec!.size).toBe(3);
    expect(result.object.metadata.uid).toBeDefined();
    expect(result.object.metadata.managedFields).toMatchObject([{ manager: 'kubectl', operation: 'Apply' }]);
  });

  test('apply updates; conflicts with another manager are 409 unless forced', async () => {
    const { store } = setup();
    await store.patch('ns1', 'a', 'apply', config({ size: 2 }), { user, fieldManager: 'alice' });
    await store.patch('ns1', 'a', 'apply', config({ size: 3 }), { user, fieldManager: 'alice' });
    const status = await statusOf(() => store.patch('ns1', 'a', 'apply', config({ size: 4 }), { user, fieldManager: 'bob' }));
    expect(status.code).toBe(409);
    expect(status.reason).toBe('Conflict');
    expect(status.details).toMatchObject({ causes: [{ reason: 'FieldManagerConflict', field: '.spec.size' }] });
    const forced = await store.patch('ns1', 'a', 'apply', config({ size: 4 }), { user, fieldManager: 'bob', force: true });
    expect(forced.created).toBe(false);
    expect(forced.object.spec!.size).toBe(4);
    expect(forced.object.metadata.generation).toBe(3);
  });

  test('fields set by an update manager conflict with an applier too', async () => {
    const { store } = await withWidget();
    const status = await statusOf(() => store.patch('ns1', 'a', 'apply', config({ size: 3 }), { user, fieldManager: 'alice' }));
    expect(status.code).toBe(409);
  });

  test('name in the configuration must match the URL: 400', async () => {
    const { store } = await withWidget();
    const status = await statusOf(() => store.patch('ns1', 'a', 'apply', config({ size: 3 }, 'other'), { user, fieldManager: 'm' }));
    expect(status.code).toBe(400);
  });

  test('invalid YAML: 400', async () => {
    const { store } = await withWidget();
    expect((await statusOf(() => store.patch('ns1', 'a', 'apply', 'a: [b', { user, fieldManager: 'm' }))).code).toBe(400);
    expect(await statusOf(() => store.patch('ns1', 'a', 'apply', '{a: [b', { user, fieldManager: 'm' }))).toMatchObject({
      code: 400,
      message: expect.stringMatching(/^error decoding YAML: /),
    });
  });

  test('a configuration in flow-style YAML that is not JSON is read as YAML', async () => {
    const { store } = setup();
    const flow = '{apiVersion: example.kamaji.io/v1, kind: Widget, metadata: {name: c}, spec: {size: 5}}';
    const result = await store.patch('ns1', 'c', 'apply', flow, { user, fieldManager: 'kubectl' });
    expect(result.object.spec!.size).toBe(5);
  });

  test('status in a main-resource apply is neither stored nor owned, and does not conflict with the status owner', async () => {
    const { store } = setup();
    await store.patch('ns1', 'a', 'apply', config({ size: 2 }), { user, fieldManager: 'kubectl' });
    await store.patch('ns1', 'a', 'apply', JSON.stringify({ apiVersion: 'example.kamaji.io/v1', kind: 'Widget', metadata: { name: 'a' }, status: { phase: 'Ready' } }), {
      user,
      fieldManager: 'controller',
      target: 'status',
    });
    const withStatus = JSON.stringify({ apiVersion: 'example.kamaji.io/v1', kind: 'Widget', metadata: { name: 'a' }, spec: { size: 2 }, status: { phase: 'Broken' } });
    const { object } = await store.patch('ns1', 'a', 'apply', withStatus, { user, fieldManager: 'kubectl' });
    expect(object.status).toEqual({ phase: 'Ready' });
    const kubectlEntry = object.metadata.managedFields!.find((e) => e.manager === 'kubectl')!;
    expect(kubectlEntry.fieldsV1).not.toHaveProperty('f:status');
  });

  test('a create-time default the applier never owned survives its next apply', async () => {
    const { store } = setup({ defaulting: { defaultDataStore: 'team-a' } });
    const created = await store.patch('ns1', 'a', 'apply', config({ size: 2 }), { user, fieldManager: 'kubectl' });
    expect(created.object.spec!.owner).toBe('team-a');
    const reapplied = await store.patch('ns1', 'a', 'apply', config({ size: 3 }), { user, fieldManager: 'kubectl' });
    expect(reapplied.object.spec).toMatchObject({ size: 3, owner: 'team-a' });
  });

  test('a status apply owns only status, whatever else the configuration carries', async () => {
    const { store } = await withWidget();
    const config = { apiVersion: 'example.kamaji.io/v1', kind: 'Widget', metadata: { name: 'a', labels: { x: 'y' } }, spec: { size: 9 }, status: { phase: 'Ready' } };
    const { object } = await store.patch('ns1', 'a', 'apply', JSON.stringify(config), { user, fieldManager: 'controller', target: 'status' });
    expect(object.spec!.size).toBe(2);
    expect(object.metadata.labels).toBeUndefined();
    const entry = object.metadata.managedFields!.find((e) => e.manager === 'controller')!;
    expect(Object.keys(entry.fieldsV1)).toEqual(['f:status']);
  });
});

describe('patching a TenantControlPlane stored without a DataStore (server without --default-datastore)', () => {
  test('merge patch and label succeed, and managedFields follow', async () => {
    const { store } = setup({ defaulting: {} }, undefined, tenantControlPlaneDeclaration);
    const tcp = {
      apiVersion: 'tenancy.kamaji.io/v1alpha1',
      kind: 'TenantControlPlane',
      metadata: { name: 'edited', namespace: 'ns1' },
      spec: { controlPlane: { service: { serviceType: 'ClusterIP' } }, kubernetes: { version: 'v1.33.0', kubelet: {} } },
    };
    await store.create('ns1', tcp, { user, fieldManager: 'kubectl-client-side-apply' });
    const patched = await store.patch('ns1', 'edited', 'merge', JSON.stringify({ spec: { controlPlane: { deployment: { replicas: 4 } } } }), { user, fieldManager: 'kubectl-edit' });
    expect(patched.object.spec!.controlPlane).toMatchObject({ deployment: { replicas: 4 } });
    const labeled = await store.patch('ns1', 'edited', 'merge', JSON.stringify({ metadata: { labels: { round: '2' } } }), { user, fieldManager: 'kubectl-label' });
    expect(labeled.object.metadata.labels).toEqual({ round: '2' });
    expect(labeled.object.metadata.managedFields!.map((e) => e.manager)).toEqual(['kubectl-client-side-apply', 'kubectl-edit', 'kubectl-label']);
  });
});
