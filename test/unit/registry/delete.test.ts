import { describe, expect, test } from 'vitest';
import { setup, statusOf, user, widget } from './fixtures.ts';


const withFinalizers = (name: string, finalizers: string[]) => widget(name, { size: 2 }, { metadata: { name, finalizers } });

describe('delete', () => {
  test('without finalizers: removes and returns the final object', async () => {
    const { store, storage } = setup();
    const a = (await store.create('ns1', widget('a'), { user })).object;
    const { object, deleted } = await store.delete('ns1', 'a', { user });
    expect(deleted).toBe(true);
    expect(object.metadata.uid).toBe(a.metadata.uid);
    expect(object.metadata.resourceVersion).toBe(String(await storage.currentRevision()));
    expect((await statusOf(() => store.get('ns1', 'a'))).code).toBe(404);
    expect(await statusOf(() => store.delete('ns1', 'a', { user }))).toMatchObject({
      code: 404,
      message: 'widgets.example.kamaji.io "a" not found',
    });
  });

  test('with finalizers: marks deletionTimestamp, grace 0, generation + 1; second delete changes nothing', async () => {
    const clock = () => new Date('2026-03-04T05:06:07.890Z');
    const { store } = setup({ clock });
    await store.create('ns1', withFinalizers('a', ['example.com/keep']), { user });
    const first = await store.delete('ns1', 'a', { user });
    expect(first.deleted).toBe(false);
    expect(first.object.metadata).toMatchObject({
      deletionTimestamp: '2026-03-04T05:06:07Z',
      deletionGracePeriodSeconds: 0,
      generation: 2,
      finalizers: ['example.com/keep'],
    });
    const second = await store.delete('ns1', 'a', { user });
    expect(second.deleted).toBe(false);
    expect(second.object.metadata.resourceVersion).toBe(first.object.metadata.resourceVersion);
  });

  test('propagationPolicy Foreground and Orphan add the GC finalizers', async () => {
    const { store } = setup();
    await store.create('ns1', widget('f'), { user });
    await store.create('ns1', widget('o'), { user });
    const f = await store.delete('ns1', 'f', { user, propagationPolicy: 'Foreground' });
    expect(f.deleted).toBe(false);
    expect(f.object.metadata.finalizers).toEqual(['foregroundDeletion']);
    const o = await store.delete('ns1', 'o', { user, orphanDependents: true });
    expect(o.object.metadata.finalizers).toEqual(['orphan']);
    // Background removes them again, and with nothing left the object goes.
    const gone = await store.delete('ns1', 'o', { user, propagationPolicy: 'Background' });
    expect(gone.deleted).toBe(true);
  });

  test('orphanDependents together with propagationPolicy: 422', async () => {
    const { store } = setup();
    await store.create('ns1', widget('a'), { user });
    const status = await statusOf(() => store.delete('ns1', 'a', { user, orphanDependents: true, propagationPolicy: 'Orphan' }));
    expect(status).toMatchObject({
      code: 422,
      message: 'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Invalid value: "Orphan": orphanDependents and deletionPropagation cannot be both set',
    });
  });

  test('preconditions: uid and resourceVersion mismatches are 409', async () => {
    const { store } = setup();
    const a = (await store.create('ns1', widget('a'), { user })).object;
    const uid = await statusOf(() => store.delete('ns1', 'a', { user, preconditions: { uid: 'other' } }));
    expect(uid).toMatchObject({
      code: 409,
      reason: 'Conflict',
      message: `Operation cannot be fulfilled on widgets.example.kamaji.io "a": Precondition failed: UID in precondition: other, UID in object meta: ${a.metadata.uid}`,
    });
    const rv = await statusOf(() => store.delete('ns1', 'a', { user, preconditions: { resourceVersion: '1' } }));
    expect(rv.code).toBe(409);
    const ok = await store.delete('ns1', 'a', { user, preconditions: { uid: a.metadata.uid!, resourceVersion: a.metadata.resourceVersion! } });
    expect(ok.deleted).toBe(true);
  });

  test('dryRun deletes nothing', async () => {
    const { store } = setup();
    await store.create('ns1', widget('a'), { user });
    const result = await store.delete('ns1', 'a', { user, dryRun: true });
    expect(result.deleted).toBe(true);
    expect((await store.get('ns1', 'a')).metadata.name).toBe('a');
  });

  test('admission may refuse a delete with its own Status', async () => {
    const { ApiError } = await import('../../../src/registry/errors.ts');
    const { store } = setup({
      admission: [
        async ({ operation, oldObject }) => {
          if (operation === 'DELETE') throw new ApiError(409, 'Conflict', `widget ${oldObject!.metadata.name} is in use by tcp/x`);
        },
      ],
    });
    await store.create('ns1', widget('a'), { user });
    expect(await statusOf(() => store.delete('ns1', 'a', { user }))).toMatchObject({ code: 409, message: 'widget a is in use by tcp/x' });
  });

  test('deleteCollection honours selectors and namespaces', async () => {
    const { store } = setup();
    await store.create('ns1', widget('a', { size: 2 }, { metadata: { name: 'a', labels: { app: 'x' } } }), { user });
    await store.create('ns1', widget('b', { size: 2 }, { metadata: { name: 'b', labels: { app: 'y' } } }), { user });
    await store.create('ns2', widget('c', { size: 2 }, { metadata: { name: 'c', labels: { app: 'x' } } }), { user });
    const result = await store.deleteCollection({ namespace: 'ns1', labelSelector: 'app=x' }, { user });
    expect(result.items.map((i) => i.metadata.name)).toEqual(['a']);
    const left = await store.list({});
    expect(left.items.map((i) => `${i.metadata.namespace}/${i.metadata.name}`)).toEqual(['ns1/b', 'ns2/c']);
  });
});
