import { afterEach, describe, expect, test } from 'vitest';
import type { ResourceDeclaration } from '../../../src/apis/declaration.ts';
import type { KubeObject } from '../../../src/apis/meta.ts';
import type { ManagedResourceStore } from '../../../src/registry/resource-store.ts';
import { decodeScale, scaleOf, validateScaleFields, withScaledReplicas } from '../../../src/registry/scale.ts';
import { newStorage, newStore, statusOf, user, widgets } from './fixtures.ts';

const mapping = { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' };

// A Widget whose replica count can be read and written through /scale, declared like the real kinds.
const scaled: ResourceDeclaration = {
  ...widgets,
  scaleSubresource: mapping,
  schema: {
    ...widgets.schema,
    properties: {
      ...widgets.schema.properties,
      spec: {
        ...widgets.schema.properties!['spec'],
        properties: { ...widgets.schema.properties!['spec']!.properties, replicas: { type: 'integer', format: 'int32', minimum: 0 } },
      },
      status: {
        ...widgets.schema.properties!['status'],
        properties: {
          ...widgets.schema.properties!['status']!.properties,
          replicas: { type: 'integer', format: 'int32' },
          selector: { type: 'string' },
        },
      },
    },
  },
};

const stores: ManagedResourceStore[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

function setup(declaration = scaled) {
  const { store } = newStore({}, newStorage(), declaration);
  stores.push(store);
  return store;
}

function replicated(name: string, spec: Record<string, unknown> = { size: 2, replicas: 3 }): KubeObject {
  return { apiVersion: 'example.kamaji.io/v1', kind: 'Widget', metadata: { name, labels: { app: name } }, spec: spec as KubeObject['spec'] };
}

async function withWidget(spec?: Record<string, unknown>) {
  const store = setup();
  const created = (await store.create('ns1', replicated('a', spec), { user, fieldManager: 'creator' })).object;
  return { store, created };
}

const scaleBody = (replicas: number | undefined, metadata: Record<string, unknown> = { name: 'a' }) => ({
  apiVersion: 'autoscaling/v1',
  kind: 'Scale',
  metadata,
  spec: replicas === undefined ? {} : { replicas },
});

describe('the Scale of an object', () => {
  test('maps the declared fields and carries the identity of the object', () => {
    const object: KubeObject = {
      apiVersion: 'example.kamaji.io/v1',
      kind: 'Widget',
      metadata: { name: 'a', namespace: 'ns1', uid: 'u1', resourceVersion: '7', creationTimestamp: '2026-01-01T00:00:00Z', labels: { x: 'y' }, generation: 3 },
      spec: { replicas: 4 },
      status: { replicas: 2, selector: 'app=a' },
    };
    expect(scaleOf(object, mapping)).toEqual({
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: { name: 'a', namespace: 'ns1', uid: 'u1', resourceVersion: '7', creationTimestamp: '2026-01-01T00:00:00Z' },
      spec: { replicas: 4 },
      status: { replicas: 2, selector: 'app=a' },
    });
  });

  test('status replicas default to 0 and the selector is left out when unset', () => {
    const scale = scaleOf({ apiVersion: 'v1', kind: 'X', metadata: { name: 'a' }, spec: { replicas: 1 } }, mapping);
    expect(scale.status).toEqual({ replicas: 0 });
  });

  test('writing replicas creates the levels that are missing and touches nothing else', () => {
    const deep = { specReplicasPath: '.spec.a.b.replicas', statusReplicasPath: '.status.replicas' };
    const object: KubeObject = { apiVersion: 'v1', kind: 'X', metadata: { name: 'a' }, spec: { other: 1 } };
    const next = withScaledReplicas(object, { ...scaleOf(object, deep), spec: { replicas: 5 } }, deep);
    expect(next.spec).toEqual({ other: 1, a: { b: { replicas: 5 } } });
    expect(object.spec).toEqual({ other: 1 });
  });

  test('a body without apiVersion and kind is a Scale of autoscaling/v1; another kind is a 400', () => {
    expect(decodeScale({ metadata: { name: 'a' }, spec: { replicas: 2 } }).scale).toMatchObject({ apiVersion: 'autoscaling/v1', kind: 'Scale', spec: { replicas: 2 } });
    expect(() => decodeScale({ apiVersion: 'apps/v1', kind: 'Deployment' })).toThrow(/must be a Scale of autoscaling\/v1/);
    expect(() => decodeScale({ spec: { replicas: 'three' } })).toThrow(/spec\.replicas: must be a 32-bit integer/);
    expect(() => decodeScale({ spec: { replicas: 2 ** 31 } })).toThrow(/32-bit/);
  });

  test('the mapped fields of any write must read as a Scale', () => {
    const object = { apiVersion: 'v1', kind: 'X', metadata: {}, spec: { replicas: -1 }, status: { replicas: -2, selector: 5 } } as unknown as KubeObject;
    expect(validateScaleFields(object, mapping)).toEqual([
      { type: 'FieldValueInvalid', field: '.spec.replicas', value: -1, detail: 'should be a non-negative integer' },
      { type: 'FieldValueInvalid', field: '.status.replicas', value: -2, detail: 'should be a non-negative integer' },
      { type: 'FieldValueInvalid', field: '.status.selector', value: 5, detail: 'status.selector accessor error: 5 is of the type float64, expected string' },
    ]);
  });
});

describe('GET scale', () => {
  test('answers the Scale of the stored object', async () => {
    const { store, created } = await withWidget();
    await store.update('ns1', 'a', { ...created, status: { replicas: 2, selector: 'app=a' } }, { user, target: 'status' });
    const scale = await store.getScale('ns1', 'a');
    const current = await store.get('ns1', 'a');
    expect(scale).toEqual({
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: {
        name: 'a',
        namespace: 'ns1',
        uid: created.metadata.uid,
        resourceVersion: current.metadata.resourceVersion,
        creationTimestamp: created.metadata.creationTimestamp,
      },
      spec: { replicas: 3 },
      status: { replicas: 2, selector: 'app=a' },
    });
  });

  test('404 for a missing object and for a kind without a scale subresource', async () => {
    const { store } = await withWidget();
    expect(await statusOf(() => store.getScale('ns1', 'nope'))).toMatchObject({ code: 404, reason: 'NotFound' });
    const plain = setup(widgets);
    expect(await statusOf(() => plain.getScale('ns1', 'a'))).toMatchObject({ code: 404, message: 'the server could not find the requested resource' });
  });

  test('500 while the object has no spec replicas, as kube answers', async () => {
    const { store } = await withWidget({ size: 2 });
    const status = await statusOf(() => store.getScale('ns1', 'a'));
    expect(status).toMatchObject({ code: 500, reason: 'InternalError' });
    expect(status.message).toContain('the spec replicas field ".spec.replicas" does not exist');
  });
});

describe('PUT scale', () => {
  test('changes only spec replicas, as a spec change, and answers the new Scale', async () => {
    const { store, created } = await withWidget();
    await store.update('ns1', 'a', { ...created, status: { replicas: 3, phase: 'Running' } }, { user, target: 'status' });
    const before = await store.get('ns1', 'a');
    const body = { ...scaleBody(5, { name: 'a', labels: { ignored: 'yes' } }), status: { replicas: 99, selector: 'x=y' } };
    const result = await store.updateScale('ns1', 'a', body, { user, fieldManager: 'scaler' });
    const after = await store.get('ns1', 'a');
    expect(result.object).toMatchObject({ kind: 'Scale', spec: { replicas: 5 }, status: { replicas: 3 }, metadata: { resourceVersion: after.metadata.resourceVersion } });
    expect(after.spec).toEqual({ ...before.spec, replicas: 5 });
    expect(after.status).toEqual(before.status);
    expect(after.metadata.labels).toEqual(before.metadata.labels);
    expect(after.metadata.generation).toBe(before.metadata.generation! + 1);
  });

  test('the same replica count changes nothing that counts: no new generation', async () => {
    const { store, created } = await withWidget();
    await store.updateScale('ns1', 'a', scaleBody(3), { user });
    expect((await store.get('ns1', 'a')).metadata.generation).toBe(created.metadata.generation);
  });

  test('a resourceVersion is a precondition: 409 when stale; none means unconditional', async () => {
    const { store, created } = await withWidget();
    await store.patch('ns1', 'a', 'merge', '{"spec":{"size":4}}', { user });
    const stale = await statusOf(() => store.updateScale('ns1', 'a', scaleBody(6, { name: 'a', resourceVersion: created.metadata.resourceVersion }), { user }));
    expect(stale).toMatchObject({ code: 409, reason: 'Conflict' });
    expect(stale.message).toContain('the object has been modified');
    const current = (await store.get('ns1', 'a')).metadata.resourceVersion;
    await store.updateScale('ns1', 'a', scaleBody(6, { name: 'a', resourceVersion: current }), { user });
    await store.updateScale('ns1', 'a', scaleBody(7), { user });
    expect((await store.get('ns1', 'a')).spec!.replicas).toBe(7);
  });

  test('a Scale without spec.replicas means 0, as kube decodes it', async () => {
    const { store } = await withWidget();
    expect((await store.updateScale('ns1', 'a', scaleBody(undefined), { user })).object.spec).toEqual({ replicas: 0 });
  });

  test('bad bodies: 400 naming what is wrong; negative replicas: 422 naming the field', async () => {
    const { store } = await withWidget();
    expect(await statusOf(() => store.updateScale('ns1', 'a', scaleBody(2, { name: 'b' }), { user }))).toMatchObject({
      code: 400,
      message: 'the name of the object (b) does not match the name on the URL (a)',
    });
    expect(await statusOf(() => store.updateScale('ns1', 'a', { ...scaleBody(2), kind: 'Widget' }, { user }))).toMatchObject({ code: 400 });
    expect(await statusOf(() => store.updateScale('ns1', 'a', scaleBody(2, { name: 'a', namespace: 'ns2' }), { user }))).toMatchObject({ code: 400 });
    const negative = await statusOf(() => store.updateScale('ns1', 'a', scaleBody(-1), { user }));
    expect(negative).toMatchObject({ code: 422, reason: 'Invalid' });
    expect(negative.details!['causes']).toContainEqual({ reason: 'FieldValueInvalid', field: '.spec.replicas', message: 'Invalid value: -1: should be a non-negative integer' });
    expect(await statusOf(() => store.updateScale('ns1', 'nope', scaleBody(2, { name: 'nope' }), { user }))).toMatchObject({ code: 404 });
  });

  test('unknown fields of the Scale: dropped with a warning, or 400 when Strict', async () => {
    const { store } = await withWidget();
    const body = { ...scaleBody(2), spec: { replicas: 2, surge: 1 } };
    expect((await store.updateScale('ns1', 'a', body, { user })).warnings).toEqual(['unknown field "spec.surge"']);
    expect(await statusOf(() => store.updateScale('ns1', 'a', body, { user, fieldValidation: 'Strict' }))).toMatchObject({
      code: 400,
      message: 'strict decoding error: unknown field "spec.surge"',
    });
  });

  test('dryRun answers the new Scale and stores nothing', async () => {
    const { store, created } = await withWidget();
    const result = await store.updateScale('ns1', 'a', scaleBody(9), { user, dryRun: true });
    expect(result.object.spec.replicas).toBe(9);
    expect(await store.get('ns1', 'a')).toEqual(created);
  });

  test('managedFields: the writer owns the replicas under the scale subresource, the creator no longer', async () => {
    const { store } = await withWidget();
    await store.updateScale('ns1', 'a', scaleBody(5), { user, fieldManager: 'scaler' });
    const managed = (await store.get('ns1', 'a')).metadata.managedFields!;
    const scaler = managed.find((e) => e.manager === 'scaler');
    expect(scaler).toMatchObject({
      operation: 'Update',
      subresource: 'scale',
      apiVersion: 'example.kamaji.io/v1',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:spec': { 'f:replicas': {} } },
    });
    const creator = managed.find((e) => e.manager === 'creator')!;
    expect((creator.fieldsV1['f:spec'] as Record<string, unknown>)['f:replicas']).toBeUndefined();
    expect((creator.fieldsV1['f:spec'] as Record<string, unknown>)['f:size']).toEqual({});
  });
});

describe('PATCH scale', () => {
  test('merge patch of the Scale', async () => {
    const { store } = await withWidget();
    const result = await store.patchScale('ns1', 'a', 'merge', '{"spec":{"replicas":4}}', { user });
    expect(result.object.spec.replicas).toBe(4);
    expect((await store.get('ns1', 'a')).spec!.replicas).toBe(4);
  });

  test('JSON patch of the Scale, with test operations on its own fields', async () => {
    const { store } = await withWidget();
    const ops = [
      { op: 'test', path: '/spec/replicas', value: 3 },
      { op: 'test', path: '/status/replicas', value: 0 },
      { op: 'replace', path: '/spec/replicas', value: 1 },
    ];
    expect((await store.patchScale('ns1', 'a', 'json', JSON.stringify(ops), { user })).object.spec.replicas).toBe(1);
    const failed = await statusOf(() => store.patchScale('ns1', 'a', 'json', JSON.stringify([{ op: 'test', path: '/spec/replicas', value: 3 }]), { user }));
    expect(failed).toMatchObject({ code: 422 });
  });

  test('a resourceVersion in the patch is a precondition', async () => {
    const { store, created } = await withWidget();
    await store.patchScale('ns1', 'a', 'merge', '{"spec":{"replicas":4}}', { user });
    const patch = JSON.stringify({ metadata: { resourceVersion: created.metadata.resourceVersion }, spec: { replicas: 5 } });
    expect(await statusOf(() => store.patchScale('ns1', 'a', 'merge', patch, { user }))).toMatchObject({ code: 409, reason: 'Conflict' });
  });

  test('an object without spec replicas cannot be patched into a Scale that leaves them out', async () => {
    const { store } = await withWidget({ size: 2 });
    const status = await statusOf(() => store.patchScale('ns1', 'a', 'merge', '{"metadata":{"labels":{"a":"b"}}}', { user }));
    expect(status).toMatchObject({ code: 400, message: 'the spec replicas field ".spec.replicas" cannot be empty' });
    await store.patchScale('ns1', 'a', 'merge', '{"spec":{"replicas":2}}', { user });
    expect((await store.getScale('ns1', 'a')).spec.replicas).toBe(2);
  });

  test('server-side apply of a Scale owns the replicas; conflicts with another owner unless forced', async () => {
    const { store } = await withWidget();
    const config = (replicas: number) => `apiVersion: autoscaling/v1\nkind: Scale\nmetadata:\n  name: a\nspec:\n  replicas: ${replicas}\n`;
    const creatorOwns = await statusOf(() => store.patchScale('ns1', 'a', 'apply', config(6), { user, fieldManager: 'autoscaler' }));
    expect(creatorOwns).toMatchObject({ code: 409, message: 'Apply failed with 1 conflict: conflict with "creator" using example.kamaji.io/v1: .spec.replicas' });
    await store.patchScale('ns1', 'a', 'apply', config(6), { user, fieldManager: 'autoscaler', force: true });
    const object = await store.get('ns1', 'a');
    expect(object.spec!.replicas).toBe(6);
    expect(object.metadata.managedFields!.find((e) => e.manager === 'autoscaler')).toMatchObject({
      operation: 'Apply',
      subresource: 'scale',
      fieldsV1: { 'f:spec': { 'f:replicas': {} } },
    });
    await store.updateScale('ns1', 'a', scaleBody(2), { user, fieldManager: 'someone' });
    const conflict = await statusOf(() => store.patchScale('ns1', 'a', 'apply', config(8), { user, fieldManager: 'autoscaler' }));
    expect(conflict).toMatchObject({ code: 409, reason: 'Conflict' });
    await store.patchScale('ns1', 'a', 'apply', config(8), { user, fieldManager: 'autoscaler', force: true });
    expect((await store.getScale('ns1', 'a')).spec.replicas).toBe(8);
    const wrongKind = await statusOf(() => store.patchScale('ns1', 'a', 'apply', 'apiVersion: example.kamaji.io/v1\nkind: Widget\n', { user, fieldManager: 'x' }));
    expect(wrongKind).toMatchObject({ code: 400 });
  });

  test('apply through the scale subresource never creates the object', async () => {
    const store = setup();
    const status = await statusOf(() =>
      store.patchScale('ns1', 'a', 'apply', 'apiVersion: autoscaling/v1\nkind: Scale\nmetadata:\n  name: a\nspec:\n  replicas: 1\n', { user, fieldManager: 'x' }),
    );
    expect(status).toMatchObject({ code: 404, reason: 'NotFound' });
  });
});

describe('writes of a kind with a scale subresource', () => {
  test('a status write keeps status replicas readable as a Scale', async () => {
    const { store, created } = await withWidget();
    const status = await statusOf(() => store.update('ns1', 'a', { ...created, status: { replicas: -1 } }, { user, target: 'status' }));
    expect(status).toMatchObject({ code: 422 });
    expect(status.details!['causes']).toContainEqual({ reason: 'FieldValueInvalid', field: '.status.replicas', message: 'Invalid value: -1: should be a non-negative integer' });
  });
});
