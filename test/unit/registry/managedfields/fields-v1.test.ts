import { describe, expect, it } from 'vitest';
import { applyConfiguration, updateManagedFields } from '../../../../src/registry/managedfields/index.ts';
import { API_VERSION, object, schema } from './fixtures.ts';

const T0 = '2026-11-21T05:00:00Z';

const sample = object({
  labels: { app: 'demo' },
  spec: {
    replicas: 1,
    args: ['--a', '--b'],
    tags: ['x', 'y'],
    ports: [{ port: 80, name: 'http' }],
    selector: { app: 'demo' },
    extra: { foo: { bar: 1 } },
  },
});

describe('fieldsV1 encoding', () => {
  it('records an Update (create) with "." on every map and item it added, as kube-apiserver does', () => {
    const [entry, ...rest] = updateManagedFields({
      live: undefined,
      updated: sample,
      manager: 'kubectl-create',
      apiVersion: API_VERSION,
      time: T0,
      schema,
    });
    expect(rest).toEqual([]);
    expect(entry).toEqual({
      manager: 'kubectl-create',
      operation: 'Update',
      apiVersion: API_VERSION,
      time: T0,
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
        'f:spec': {
          '.': {},
          'f:args': {},
          'f:extra': { '.': {}, 'f:foo': { '.': {}, 'f:bar': {} } },
          'f:ports': { '.': {}, 'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:name': {}, 'f:port': {} } },
          'f:replicas': {},
          'f:selector': {},
          'f:tags': { '.': {}, 'v:"x"': {}, 'v:"y"': {} },
        },
      },
    });
  });

  it('records an Apply with only what the configuration sets: leaves, items, unnamed keys', () => {
    const result = applyConfiguration({
      live: undefined,
      applied: sample,
      manager: 'kubectl',
      force: false,
      apiVersion: API_VERSION,
      time: T0,
      schema,
    });
    expect(result.metadata.managedFields).toEqual([
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: API_VERSION,
        time: T0,
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:args': {},
            'f:extra': { 'f:foo': { '.': {}, 'f:bar': {} } },
            'f:ports': { 'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:name': {}, 'f:port': {} } },
            'f:replicas': {},
            'f:selector': {},
            'f:tags': { 'v:"x"': {}, 'v:"y"': {} },
          },
        },
      },
    ]);
  });

  it('sorts map-list key fields by name and serializes keys in upstream order (fields, keys, values)', () => {
    const [entry] = updateManagedFields({
      live: undefined,
      updated: object({ status: { conditions: [{ type: 'Ready', status: 'True' }], phase: 'Ready' } }),
      manager: 'kamaji',
      subresource: 'status',
      apiVersion: API_VERSION,
      time: T0,
      schema,
    });
    expect(entry!.subresource).toBe('status');
    expect(JSON.stringify(entry!.fieldsV1)).toBe(
      '{"f:status":{".":{},"f:conditions":{".":{},"k:{\\"type\\":\\"Ready\\"}":{".":{},"f:status":{},"f:type":{}}},"f:phase":{}}}',
    );
  });

  it('never records apiVersion, kind or server-controlled metadata', () => {
    const entries = updateManagedFields({
      live: undefined,
      updated: { ...object(), metadata: { name: 'w', namespace: 'ns', generation: 1, uid: 'x', resourceVersion: '1' } },
      manager: 'kubectl-create',
      apiVersion: API_VERSION,
      time: T0,
      schema,
    });
    expect(entries).toEqual([]);
  });

  it('tracks finalizers as a set and ownerReferences keyed by uid', () => {
    const written = object();
    written.metadata.finalizers = ['kamaji.io/finalizer'];
    written.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'Namespace', name: 'ns', uid: 'u-9' }];
    const [entry] = updateManagedFields({
      live: undefined,
      updated: written,
      manager: 'm',
      apiVersion: API_VERSION,
      time: T0,
      schema,
    });
    expect(entry!.fieldsV1).toEqual({
      'f:metadata': {
        'f:finalizers': { '.': {}, 'v:"kamaji.io/finalizer"': {} },
        'f:ownerReferences': {
          '.': {},
          'k:{"uid":"u-9"}': { '.': {}, 'f:apiVersion': {}, 'f:kind': {}, 'f:name': {}, 'f:uid': {} },
        },
      },
    });
  });
});
