import { describe, expect, test } from 'vitest';
import type { KubeObject } from '../../../../src/apis/meta.ts';
import { changesTenantControlPlanes, isPaused, onlyStatusChanged, usesDataStore } from '../../../../src/controllers/tenantcontrolplane/pass-triggers.ts';
import { tenantControlPlane } from './fixtures.ts';

const tcp = () => tenantControlPlane() as unknown as KubeObject;
const withChange = (object: KubeObject, change: (copy: KubeObject) => void): KubeObject => {
  const copy = structuredClone(object);
  change(copy);
  return copy;
};

function dataStore(status: Record<string, unknown>, generation = 1): KubeObject {
  return { apiVersion: 'tenancy.kamaji.io/v1alpha1', kind: 'DataStore', metadata: { name: 'default', generation }, spec: {}, status } as KubeObject;
}

const ready = (message = 'connected to PostgreSQL at db:5432 with the given credentials') => ({
  type: 'Ready',
  status: 'True',
  reason: 'Ready',
  message,
  lastTransitionTime: '2026-01-01T10:00:00Z',
});

describe('which events queue a pass', () => {
  test('a tcp whose status alone changed (what a pass writes) queues none; any other change does', () => {
    const before = tcp();
    const statusWritten = withChange(before, (o) => {
      o.status = { conditions: [ready()] };
      o.metadata.resourceVersion = '11';
      o.metadata.managedFields = [
        { manager: 'kamaji-ts-controller', operation: 'Update', subresource: 'status', apiVersion: 'tenancy.kamaji.io/v1alpha1', time: '2026-01-01T10:00:00Z', fieldsType: 'FieldsV1', fieldsV1: {} },
      ];
    });
    expect(onlyStatusChanged(before, statusWritten)).toBe(true);
    expect(onlyStatusChanged(before, withChange(before, (o) => (o.metadata.annotations = { 'kamaji.clastix.io/paused': '' })))).toBe(false);
    expect(onlyStatusChanged(before, withChange(before, (o) => (o.metadata.finalizers = ['finalizer.kamaji.clastix.io'])))).toBe(false);
    expect(onlyStatusChanged(before, withChange(before, (o) => (o.metadata.deletionTimestamp = '2026-01-01T10:00:00Z')))).toBe(false);
    expect(onlyStatusChanged(before, withChange(before, (o) => ((o.spec as { dataStore: string }).dataStore = 'other')))).toBe(false);
  });

  test('paused is the annotation, whatever its value', () => {
    expect(isPaused(tcp())).toBe(false);
    expect(isPaused(withChange(tcp(), (o) => (o.metadata.annotations = { 'kamaji.clastix.io/paused': '' })))).toBe(true);
  });

  test('a DataStore whose usedBy alone changed sends no tcp round; its spec, readiness or Ready reason do', () => {
    const before = dataStore({ ready: true, usedBy: ['a/one'], conditions: [ready()] });
    expect(changesTenantControlPlanes(before, dataStore({ ready: true, usedBy: ['a/one', 'a/two'], conditions: [ready()] }))).toBe(false);
    expect(changesTenantControlPlanes(before, dataStore({ ready: true, usedBy: ['a/one'], conditions: [ready()] }, 2))).toBe(true);
    expect(changesTenantControlPlanes(before, dataStore({ ready: false, usedBy: ['a/one'], conditions: [{ ...ready(), status: 'False', reason: 'Unreachable' }] }))).toBe(true);
    expect(changesTenantControlPlanes(before, dataStore({ ready: true, usedBy: ['a/one'], conditions: [ready('connected to db2:5432')] }))).toBe(true);
  });

  test('a tcp uses the DataStore it names and the one that holds its data', () => {
    const moved = withChange(tcp(), (o) => (o.status = { storage: { dataStoreName: 'old' } }));
    expect(usesDataStore(moved, 'default')).toBe(true);
    expect(usesDataStore(moved, 'old')).toBe(true);
    expect(usesDataStore(moved, 'other')).toBe(false);
  });
});
