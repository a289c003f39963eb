// The write strategy runs a kind's typed rules only on objects that fit the schema, and validates
// each object against the schema once per step of a write (counted, not timed).
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { tenantControlPlaneDeclaration } from '../../../src/apis/index.ts';
import type { ResourceDeclaration } from '../../../src/apis/declaration.ts';
import type { KubeObject } from '../../../src/apis/meta.ts';
import { validateAgainstSchema } from '../../../src/apis/schema/validate.ts';
import { WriteStrategy } from '../../../src/registry/strategy.ts';
import { setup, user, widget, widgets } from './fixtures.ts';

vi.mock('../../../src/apis/schema/validate.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../src/apis/schema/validate.ts')>();
  return { ...actual, validateAgainstSchema: vi.fn(actual.validateAgainstSchema) };
});

const validations = vi.mocked(validateAgainstSchema);

/** Schema validations of `declaration`'s objects while `write` runs. */
async function validationsDuring(declaration: ResourceDeclaration, write: () => Promise<unknown>): Promise<number> {
  validations.mockClear();
  await write();
  return validations.mock.calls.filter(([schema]) => schema === declaration.schema).length;
}

describe('schema validations per write (TenantControlPlane, memory storage)', () => {
  const declaration = tenantControlPlaneDeclaration as unknown as ResourceDeclaration;
  const tcp = (name: string): KubeObject =>
    ({
      apiVersion: 'tenancy.kamaji.io/v1alpha1',
      kind: 'TenantControlPlane',
      metadata: { name, namespace: 'ns1' },
      spec: {
        dataStore: 'default',
        controlPlane: { deployment: { replicas: 2 }, service: { serviceType: 'ClusterIP' } },
        kubernetes: { version: 'v1.33.0', kubelet: { cgroupfs: 'systemd' } },
      },
    }) as unknown as KubeObject;

  test('create: twice (before computed defaults, final)', async () => {
    const { store } = setup({}, undefined, declaration);
    expect(await validationsDuring(declaration, () => store.create('ns1', tcp('a'), { user }))).toBe(2);
  });

  test('update, merge patch, apply and scale: three times (new before defaults, stored once, final)', async () => {
    const { store } = setup({}, undefined, declaration);
    const { object } = await store.create('ns1', tcp('a'), { user });
    const labelled = { ...object, metadata: { ...object.metadata, labels: { x: 'y' } } };
    expect(await validationsDuring(declaration, () => store.update('ns1', 'a', labelled, { user }))).toBe(3);
    const patch = JSON.stringify({ metadata: { labels: { x: 'z' } } });
    expect(await validationsDuring(declaration, () => store.patch('ns1', 'a', 'merge', patch, { user }))).toBe(3);
    const applied = JSON.stringify({ ...tcp('a'), metadata: { name: 'a', namespace: 'ns1', labels: { x: 'z' } } });
    const applyOptions = { user, fieldManager: 'kubectl', force: true };
    expect(await validationsDuring(declaration, () => store.patch('ns1', 'a', 'apply', applied, applyOptions))).toBe(3);
    const scale = JSON.stringify({ spec: { replicas: 3 } });
    expect(await validationsDuring(declaration, () => store.patchScale('ns1', 'a', 'merge', scale, { user }))).toBe(3);
  });

  test('status update: twice (new, stored): no computed defaults run', async () => {
    const { store } = setup({}, undefined, declaration);
    const { object } = await store.create('ns1', tcp('a'), { user });
    const withStatus = { ...object, status: { controlPlaneEndpoint: '10.0.0.1:6443' } };
    expect(await validationsDuring(declaration, () => store.update('ns1', 'a', withStatus, { user, target: 'status' }))).toBe(2);
  });
});

describe('typed rules run only on objects that fit the schema', () => {
  const rules = {
    defaultOnCreate: vi.fn(),
    defaultOnUpdate: vi.fn(),
    validateCreate: vi.fn(() => [{ type: 'FieldValueInvalid' as const, field: 'spec.owner', value: 'x', detail: 'create rule' }]),
    validateUpdate: vi.fn(() => [{ type: 'FieldValueInvalid' as const, field: 'spec.owner', value: 'x', detail: 'update rule' }]),
  };
  const strategy = new WriteStrategy({ ...widgets, ...rules }, {});
  // size has minimum 1: a size 0 is what a stored object looks like after the schema was tightened.
  const fitting = (size = 2, resourceVersion = '5') => ({ ...widget('a', { size }), metadata: { name: 'a', namespace: 'ns1', uid: 'u1', resourceVersion } });
  const details = (errors: { detail: string; field: string }[]) => errors.map((e) => `${e.field}: ${e.detail}`);

  beforeEach(() => {
    for (const rule of Object.values(rules)) rule.mockClear();
  });
  afterEach(() => vi.clearAllMocks());

  test('create: defaults and rules only when the object fits; schema errors are reported either way', () => {
    const good = fitting();
    strategy.prepareForCreate(good, new Date());
    expect(rules.defaultOnCreate).toHaveBeenCalledTimes(1);
    expect(details(strategy.validateCreate(good))).toEqual(['spec.owner: create rule']);

    const bad = fitting(0);
    strategy.prepareForCreate(bad, new Date());
    expect(rules.defaultOnCreate).toHaveBeenCalledTimes(1);
    expect(details(strategy.validateCreate(bad))).toEqual(['spec.size: should be greater than or equal to 1']);
    expect(rules.validateCreate).toHaveBeenCalledTimes(1);
  });

  test('update with both objects fitting: computed defaults and update rules', () => {
    const old = fitting(2);
    const next = strategy.prepareForUpdate(fitting(3), old, 'main');
    expect(rules.defaultOnUpdate).toHaveBeenCalledWith(next, old);
    expect(details(strategy.validateUpdate(next, structuredClone(old)))).toEqual(['spec.owner: update rule']);
    expect(rules.validateCreate).not.toHaveBeenCalled();
  });

  test('a stored object the schema no longer accepts: no computed defaults, the new object gets the create rules', () => {
    const old = fitting(0);
    const next = strategy.prepareForUpdate(fitting(3), old, 'main');
    expect(rules.defaultOnUpdate).not.toHaveBeenCalled();
    expect(details(strategy.validateUpdate(next, structuredClone(old)))).toEqual(['spec.owner: create rule']);
    expect(rules.validateUpdate).not.toHaveBeenCalled();
  });

  test('a new object the schema rejects: only its schema errors', () => {
    const old = fitting(2);
    const next = strategy.prepareForUpdate(fitting(0), old, 'main');
    expect(rules.defaultOnUpdate).not.toHaveBeenCalled();
    expect(details(strategy.validateUpdate(next, old))).toEqual(['spec.size: should be greater than or equal to 1']);
    expect(rules.validateCreate).not.toHaveBeenCalled();
    expect(rules.validateUpdate).not.toHaveBeenCalled();
  });

  test('the verdict on the stored object holds only for the stored value it was taken on', () => {
    // Prepared against a fitting stored object, validated against another one (a later
    // resourceVersion that does not fit): the verdict is taken again.
    const next = strategy.prepareForUpdate(fitting(3), fitting(2, '5'), 'main');
    expect(details(strategy.validateUpdate(next, fitting(0, '6')))).toEqual(['spec.owner: create rule']);
    // And the other way round.
    const again = strategy.prepareForUpdate(fitting(3), fitting(0, '5'), 'main');
    expect(details(strategy.validateUpdate(again, fitting(2, '6')))).toEqual(['spec.owner: update rule']);
  });

  test('the verdict serves one validation: a second one takes it again', () => {
    const next = strategy.prepareForUpdate(fitting(3), fitting(2), 'main');
    validations.mockClear();
    strategy.validateUpdate(next, fitting(2));
    strategy.validateUpdate(next, fitting(2));
    expect(validations).toHaveBeenCalledTimes(3);
  });
});
