import { describe, expect, test } from 'vitest';
import type { KubeObject } from '../../../src/apis/meta.ts';
import type { ManagedResourceStore } from '../../../src/registry/resource-store.ts';
import { setup, statusOf, user, widget } from './fixtures.ts';


async function created(store: ManagedResourceStore, name = 'a', spec: Record<string, unknown> = { size: 2, color: 'red' }) {
  return (await store.create('ns1', widget(name, spec), { user })).object;
}

describe('update', () => {
  test('spec change: new resourceVersion, generation + 1', async () => {
    const { store } = setup();
    const a = await created(store);
    const { object, created: wasCreated } = await store.update('ns1', 'a', { ...a, spec: { ...a.spec, size: 3 } }, { user });
    expect(wasCreated).toBe(false);
    expect(object.spec!.size).toBe(3);
    expect(object.metadata.generation).toBe(2);
    expect(Number(object.metadata.resourceVersion)).toBeGreaterThan(Number(a.metadata.resourceVersion));
  });

  test('metadata-only change keeps generation; a no-op keeps resourceVersion', async () => {
    const { store } = setup();
    const a = await created(store);
    const labelled = (await store.update('ns1', 'a', { ...a, metadata: { ...a.metadata, labels: { x: 'y' } } }, { user })).object;
    expect(labelled.metadata.generation).toBe(1);
    const again = (await store.update('ns1', 'a', labelled, { user })).object;
    expect(again.metadata.resourceVersion).toBe(labelled.metadata.resourceVersion);
  });

  test('leaving out a schema-defaulted field is no change', async () => {
    const { store } = setup();
    const a = await created(store, 'a', {});
    const { size: _s, ...rest } = a.spec!;
    const { object } = await store.update('ns1', 'a', { ...a, spec: rest }, { user });
    expect(object.metadata.generation).toBe(1);
    expect(object.spec).toEqual({ size: 1, owner: 'default' });
  });

  test('resourceVersion missing: 422 must be specified for an update', async () => {
    const { store } = setup();
    const a = await created(store);
    const { resourceVersion: _rv, ...metadata } = a.metadata;
    const status = await statusOf(() => store.update('ns1', 'a', { ...a, metadata }, { user }));
    expect(status).toMatchObject({
      code: 422,
      reason: 'Invalid',
      message: 'widgets.example.kamaji.io "a" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update',
      details: { name: 'a', group: 'example.kamaji.io', kind: 'widgets', causes: [{ reason: 'FieldValueInvalid', field: 'metadata.resourceVersion' }] },
    });
  });

  test('stale resourceVersion: 409 Conflict with the standard message', async () => {
    const { store } = setup();
    const a = await created(store);
    await store.update('ns1', 'a', { ...a, spec: { ...a.spec, size: 5 } }, { user });
    const status = await statusOf(() => store.update('ns1', 'a', { ...a, spec: { ...a.spec, size: 6 } }, { user }));
    expect(status).toMatchObject({
      code: 409,
      reason: 'Conflict',
      message:
        'Operation cannot be fulfilled on widgets.example.kamaji.io "a": the object has been modified; please apply your changes to the latest version and try again',
    });
  });

  test('missing object: 404 NotFound', async () => {
    const { store } = setup();
    const status = await statusOf(() => store.update('ns1', 'nope', { ...widget('nope'), metadata: { name: 'nope', resourceVersion: '5' } }, { user }));
    expect(status).toMatchObject({
      code: 404,
      reason: 'NotFound',
      message: 'widgets.example.kamaji.io "nope" not found',
      details: { name: 'nope', group: 'example.kamaji.io', kind: 'widgets' },
    });
  });

  test('name in the body must match the URL: 400', async () => {
    const { store } = setup();
    const a = await created(store);
    const status = await statusOf(() => store.update('ns1', 'a', { ...a, metadata: { ...a.metadata, name: 'b' } }, { user }));
    expect(status).toMatchObject({ code: 400, message: 'the name of the object (b) does not match the name on the URL (a)' });
  });

  test('immutable metadata is kept from the stored object; a different uid is 422', async () => {
    const { store } = setup();
    const a = await created(store);
    const body: KubeObject = structuredClone(a);
    body.metadata.creationTimestamp = '2000-01-01T00:00:00Z';
    body.metadata.generation = 42;
    body.metadata.deletionTimestamp = '2000-01-01T00:00:00Z';
    const { object } = await store.update('ns1', 'a', body, { user });
    expect(object.metadata.creationTimestamp).toBe(a.metadata.creationTimestamp);
    expect(object.metadata.generation).toBe(1);
    expect(object.metadata.deletionTimestamp).toBeUndefined();
    const uid = await statusOf(() => store.update('ns1', 'a', { ...object, metadata: { ...object.metadata, uid: 'other' } }, { user }));
    expect(uid.message).toBe('Widget.example.kamaji.io "a" is invalid: metadata.uid: Invalid value: "other": field is immutable');
  });

  test("the kind's update rules apply (immutable color)", async () => {
    const { store } = setup();
    const a = await created(store);
    const status = await statusOf(() => store.update('ns1', 'a', { ...a, spec: { ...a.spec, color: 'blue' } }, { user }));
    expect(status.message).toBe('Widget.example.kamaji.io "a" is invalid: spec.color: Invalid value: "blue": field is immutable');
  });

  test('main resource ignores status; status target changes only status', async () => {
    const { store } = setup();
    const a = await created(store);
    const main = (await store.update('ns1', 'a', { ...a, status: { phase: 'Hacked' } }, { user })).object;
    expect(main.status).toBeUndefined();
    const status = (
      await store.update(
        'ns1',
        'a',
        { ...main, spec: { size: 99 }, metadata: { ...main.metadata, labels: { sneaky: 'yes' } }, status: { phase: 'Ready', observedGeneration: 1 } },
        { user, target: 'status', fieldManager: 'controller' },
      )
    ).object;
    expect(status.status).toEqual({ phase: 'Ready', observedGeneration: 1 });
    expect(status.spec).toEqual(a.spec);
    expect(status.metadata.labels).toBeUndefined();
    expect(status.metadata.generation).toBe(1);
    expect(status.metadata.managedFields!.find((m) => m.manager === 'controller')).toMatchObject({ subresource: 'status', operation: 'Update' });
    const kept = (await store.update('ns1', 'a', { ...status, spec: { ...status.spec, size: 4 }, status: undefined }, { user })).object;
    expect(kept.status).toEqual({ phase: 'Ready', observedGeneration: 1 });
    expect(kept.metadata.generation).toBe(2);
  });

  test('only finalizers the update adds are warned about', async () => {
    const { store } = setup();
    const a = (await store.create('ns1', widget('a', { size: 2 }, { metadata: { name: 'a', finalizers: ['old'] } }), { user })).object;
    const { warnings } = await store.update('ns1', 'a', { ...a, metadata: { ...a.metadata, finalizers: ['old', 'new'] } }, { user });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^metadata\.finalizers: "new": prefer a domain-qualified finalizer name/);
  });

  test('dryRun update answers the result but stores nothing', async () => {
    const { store, storage } = setup();
    const a = await created(store);
    const before = await storage.currentRevision();
    const { object } = await store.update('ns1', 'a', { ...a, spec: { ...a.spec, size: 7 } }, { user, dryRun: true });
    expect(object.spec!.size).toBe(7);
    expect(await storage.currentRevision()).toBe(before);
    expect((await store.get('ns1', 'a')).spec!.size).toBe(2);
  });

  test('admission sees old and new objects on UPDATE', async () => {
    const calls: string[] = [];
    const { store } = setup({
      admission: [
        async ({ operation, object, oldObject }) => {
          calls.push(`${operation} ${oldObject?.spec?.size ?? '-'}->${object?.spec?.size ?? '-'}`);
        },
      ],
    });
    const a = await created(store);
    await store.update('ns1', 'a', { ...a, spec: { ...a.spec, size: 3 } }, { user });
    expect(calls).toEqual(['CREATE -->2', 'UPDATE 2->3']);
  });
});

describe('finalizers on update', () => {
  test('no new finalizers once deleting: 422', async () => {
    const { store } = setup();
    const a = (await store.create('ns1', widget('a', { size: 2 }, { metadata: { name: 'a', finalizers: ['example.com/keep'] } }), { user })).object;
    const deleting = await store.delete('ns1', 'a', { user });
    expect(deleting.deleted).toBe(false);
    const o = deleting.object;
    const status = await statusOf(() =>
      store.update('ns1', 'a', { ...o, metadata: { ...o.metadata, finalizers: ['example.com/keep', 'example.com/new'] } }, { user }),
    );
    expect(status.message).toBe(
      'Widget.example.kamaji.io "a" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/new"}',
    );
    expect(a.metadata.finalizers).toEqual(['example.com/keep']);
  });

  test('emptying the finalizers of a deleting object deletes it', async () => {
    const { store } = setup();
    await store.create('ns1', widget('a', { size: 2 }, { metadata: { name: 'a', finalizers: ['example.com/keep'] } }), { user });
    const { object } = await store.delete('ns1', 'a', { user });
    const result = await store.update('ns1', 'a', { ...object, metadata: { ...object.metadata, finalizers: [] } }, { user });
    expect(result.object.metadata.finalizers).toEqual([]);
    expect((await statusOf(() => store.get('ns1', 'a'))).code).toBe(404);
  });
});
