import { describe, expect, it } from 'vitest';
import type { KubeObject, ManagedFieldsEntry } from '../../../../src/apis/meta.ts';
import { ApiError } from '../../../../src/registry/errors.ts';
import { applyConfiguration, updateManagedFields } from '../../../../src/registry/managedfields/index.ts';
import { API_VERSION, object, schema, stored } from './fixtures.ts';

const T0 = '2026-11-21T05:00:00Z';
const T1 = '2026-11-21T05:01:00Z';
const T2 = '2026-11-21T05:02:00Z';

function apply(live: KubeObject | undefined, applied: KubeObject, manager: string, extra: { force?: boolean; time?: string; subresource?: string } = {}): KubeObject {
  const result = applyConfiguration({
    live,
    applied,
    manager,
    force: extra.force ?? false,
    apiVersion: API_VERSION,
    time: extra.time ?? T1,
    schema,
    ...(extra.subresource ? { subresource: extra.subresource } : {}),
  });
  // What the registry would persist and read back.
  return { ...result, metadata: { ...result.metadata, resourceVersion: '8' } };
}

function create(written: KubeObject, manager: string, time = T0): KubeObject {
  return stored(written, updateManagedFields({ live: undefined, updated: written, manager, apiVersion: API_VERSION, time, schema }));
}

function entry(o: KubeObject, manager: string, operation: 'Apply' | 'Update' = 'Apply'): ManagedFieldsEntry | undefined {
  return o.metadata.managedFields?.find((e) => e.manager === manager && e.operation === operation);
}

function applyError(run: () => unknown): ApiError {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected an ApiError');
}

describe('applyConfiguration', () => {
  it('creates the object when there is none, keeping the name the configuration gives', () => {
    const result = apply(undefined, object({ spec: { replicas: 1 } }), 'kubectl');
    expect(result.metadata.name).toBe('w');
    expect(result.metadata.namespace).toBe('ns');
    expect(result.spec).toEqual({ replicas: 1 });
    expect(result.metadata.managedFields).toHaveLength(1);
  });

  it('conflicts with an Update manager on a field it would change, naming manager, version and path', () => {
    const live = create(object({ spec: { replicas: 1, image: 'a' } }), 'kubectl-create');
    const error = applyError(() => apply(live, object({ spec: { replicas: 2 } }), 'kubectl'));
    expect(error.status).toEqual({
      apiVersion: 'v1',
      kind: 'Status',
      metadata: {},
      status: 'Failure',
      code: 409,
      reason: 'Conflict',
      message: `Apply failed with 1 conflict: conflict with "kubectl-create" using ${API_VERSION}: .spec.replicas`,
      details: {
        causes: [
          { reason: 'FieldManagerConflict', message: `conflict with "kubectl-create" using ${API_VERSION}`, field: '.spec.replicas' },
        ],
      },
    });
  });

  it('lists several conflicts per manager, managers sorted, Apply managers without a version', () => {
    let live = create(object({ spec: { replicas: 1, image: 'a' } }), 'kubectl-create');
    live = apply(live, object({ spec: { network: { serviceType: 'LoadBalancer' } } }), 'argocd');
    const error = applyError(() =>
      apply(live, object({ spec: { replicas: 2, image: 'b', network: { serviceType: 'NodePort' } } }), 'kubectl'),
    );
    expect(error.status.message).toBe(
      [
        'Apply failed with 3 conflicts: conflicts with "argocd":',
        '- .spec.network.serviceType',
        `conflicts with "kubectl-create" using ${API_VERSION}:`,
        '- .spec.image',
        '- .spec.replicas',
      ].join('\n'),
    );
    expect(error.status.details?.causes).toEqual([
      { reason: 'FieldManagerConflict', message: 'conflict with "argocd"', field: '.spec.network.serviceType' },
      { reason: 'FieldManagerConflict', message: `conflict with "kubectl-create" using ${API_VERSION}`, field: '.spec.image' },
      { reason: 'FieldManagerConflict', message: `conflict with "kubectl-create" using ${API_VERSION}`, field: '.spec.replicas' },
    ]);
  });

  it('does not conflict when the configuration agrees with the live value: both own it', () => {
    const live = create(object({ spec: { replicas: 1, image: 'a' } }), 'kubectl-create');
    const result = apply(live, object({ spec: { replicas: 1 } }), 'kubectl');
    expect(result.spec).toEqual({ replicas: 1, image: 'a' });
    expect(entry(result, 'kubectl')!.fieldsV1).toEqual({ 'f:spec': { 'f:replicas': {} } });
    expect(entry(result, 'kubectl-create', 'Update')!.fieldsV1).toEqual({ 'f:spec': { '.': {}, 'f:image': {}, 'f:replicas': {} } });
  });

  it('with force takes the field: the value changes and the other manager no longer owns it', () => {
    const live = create(object({ spec: { replicas: 1, image: 'a' } }), 'kubectl-create');
    const result = apply(live, object({ spec: { replicas: 2 } }), 'kubectl', { force: true });
    expect(result.spec).toEqual({ replicas: 2, image: 'a' });
    expect(entry(result, 'kubectl')!.fieldsV1).toEqual({ 'f:spec': { 'f:replicas': {} } });
    expect(entry(result, 'kubectl-create', 'Update')!.fieldsV1).toEqual({ 'f:spec': { '.': {}, 'f:image': {} } });
    expect(entry(result, 'kubectl-create', 'Update')!.time).toBe(T0);
  });

  it('removes a field the manager applied before and applies no longer', () => {
    const first = apply(undefined, object({ spec: { replicas: 1, image: 'a', network: { address: '10.0.0.1' } } }), 'kubectl');
    const second = apply(first, object({ spec: { replicas: 1 } }), 'kubectl', { time: T2 });
    expect(second.spec).toEqual({ replicas: 1 });
    expect(entry(second, 'kubectl')).toMatchObject({ time: T2, fieldsV1: { 'f:spec': { 'f:replicas': {} } } });
  });

  it('keeps a field the manager stops applying while another manager still owns it', () => {
    const first = apply(undefined, object({ spec: { image: 'a' } }), 'team-a');
    const shared = apply(first, object({ spec: { image: 'a', replicas: 3 } }), 'team-b');
    const result = apply(shared, object({ spec: { replicas: 3 } }), 'team-b', { time: T2 });
    expect(result.spec).toEqual({ image: 'a', replicas: 3 });
    expect(entry(result, 'team-a')!.fieldsV1).toEqual({ 'f:spec': { 'f:image': {} } });
    expect(entry(result, 'team-b')!.fieldsV1).toEqual({ 'f:spec': { 'f:replicas': {} } });
  });

  it('merges conditions by type: each manager owns its own condition', () => {
    const created = create(object({ spec: { replicas: 1 } }), 'kubectl-create');
    const controllerWrite = { ...structuredClone(created), status: { conditions: [{ type: 'Ready', status: 'True', reason: 'Up' }] } };
    const live = stored(
      controllerWrite,
      updateManagedFields({ live: created, updated: controllerWrite, manager: 'kamaji', subresource: 'status', apiVersion: API_VERSION, time: T1, schema }),
    );

    const result = apply(live, object({ status: { conditions: [{ type: 'Synced', status: 'False' }] } }), 'syncer', {
      subresource: 'status',
      time: T2,
    });
    expect(result.status).toEqual({
      conditions: [
        { type: 'Ready', status: 'True', reason: 'Up' },
        { type: 'Synced', status: 'False' },
      ],
    });
    expect(entry(result, 'syncer')!.fieldsV1).toEqual({
      'f:status': { 'f:conditions': { 'k:{"type":"Synced"}': { '.': {}, 'f:status': {}, 'f:type': {} } } },
    });
    expect(entry(result, 'syncer')!.subresource).toBe('status');

    const error = applyError(() =>
      apply(result, object({ status: { conditions: [{ type: 'Ready', status: 'False' }] } }), 'syncer', { subresource: 'status' }),
    );
    expect(error.status.message).toBe(
      `Apply failed with 1 conflict: conflict with "kamaji" with subresource "status" using ${API_VERSION}: .status.conditions[type="Ready"].status`,
    );

    // The applier stops applying its condition: it goes, the controller's stays.
    const dropped = apply(result, object({ status: { conditions: [] } }), 'syncer', { subresource: 'status' });
    expect(dropped.status).toEqual({ conditions: [{ type: 'Ready', status: 'True', reason: 'Up' }] });
  });

  it('merges list items by key and keeps those others own; replaces atomic lists whole; unions sets', () => {
    const live = apply(
      undefined,
      object({ spec: { ports: [{ port: 80, name: 'http' }], args: ['--a'], tags: ['x'] } }),
      'team-a',
    );
    const result = apply(
      live,
      object({ spec: { ports: [{ port: 443, name: 'https' }], tags: ['y'] } }),
      'team-b',
    );
    expect(result.spec).toEqual({
      ports: [
        { port: 80, name: 'http' },
        { port: 443, name: 'https' },
      ],
      args: ['--a'],
      tags: ['x', 'y'],
    });
    const error = applyError(() => apply(result, object({ spec: { args: ['--b'] } }), 'team-b'));
    expect(error.status.message).toBe('Apply failed with 1 conflict: conflict with "team-a": .spec.args');
  });

  it('prunes a list item the manager stops applying, unless someone owns part of it (then its keys stay)', () => {
    const port = { port: 53, protocol: 'UDP', name: 'dns' };
    const live = apply(undefined, object({ spec: { ports: [port, { port: 80, name: 'http' }] } }), 'team-a');
    // kubectl edit renames one port: that manager now owns only `name` inside the item.
    const edited = structuredClone(live);
    edited.spec!.ports = [{ ...port, name: 'domain' }, { port: 80, name: 'http' }];
    const afterEdit = stored(
      edited,
      updateManagedFields({ live, updated: edited, manager: 'kubectl-edit', apiVersion: API_VERSION, time: T1, schema }),
    );
    expect(entry(afterEdit, 'kubectl-edit', 'Update')!.fieldsV1).toEqual({
      'f:spec': { 'f:ports': { 'k:{"port":53,"protocol":"UDP"}': { 'f:name': {} } } },
    });

    const result = apply(afterEdit, object({ spec: {} }), 'team-a', { time: T2 });
    expect(result.spec).toEqual({ ports: [{ port: 53, protocol: 'UDP', name: 'domain' }] });
    expect(entry(result, 'team-a')!.fieldsV1).toEqual({ 'f:spec': {} });
  });

  it('emptying a set it owned keeps the empty list, so the same apply again changes nothing', () => {
    const first = apply(undefined, object({ spec: { replicas: 1, tags: ['t1'] } }), 'kubectl');
    const emptied = apply(first, object({ spec: { replicas: 1, tags: [] } }), 'kubectl', { time: T2 });
    expect(emptied.spec).toEqual({ replicas: 1, tags: [] });
    expect(apply(emptied, object({ spec: { replicas: 1, tags: [] } }), 'kubectl', { time: '2026-11-21T06:00:00Z' })).toEqual(emptied);
  });

  it('owns maps in preserve-unknown-fields subtrees key by key', () => {
    const live = apply(undefined, object({ spec: { extra: { a: { x: 1 } } } }), 'team-a');
    const result = apply(live, object({ spec: { extra: { b: 2 } } }), 'team-b');
    expect(result.spec).toEqual({ extra: { a: { x: 1 }, b: 2 } });
    expect(applyError(() => apply(result, object({ spec: { extra: { a: { x: 2 } } } }), 'team-b')).status.message).toBe(
      'Apply failed with 1 conflict: conflict with "team-a": .spec.extra.a.x',
    );
  });

  it('owns labels one by one', () => {
    const live = apply(undefined, object({ labels: { app: 'a' } }), 'team-a');
    const result = apply(live, object({ labels: { tier: 'web' } }), 'team-b');
    expect(result.metadata.labels).toEqual({ app: 'a', tier: 'web' });
    const pruned = apply(result, object(), 'team-a');
    expect(pruned.metadata.labels).toEqual({ tier: 'web' });
    expect(pruned.metadata.name).toBe('w');
    expect(pruned.metadata.uid).toBe(undefined);
  });

  it('gives an object without managedFields a "before-first-apply" owner on its first apply', () => {
    const legacy = stored(object({ spec: { replicas: 1, image: 'a' } }), undefined);
    const error = applyError(() => apply(legacy, object({ spec: { replicas: 2 } }), 'helm'));
    expect(error.status.message).toBe(
      `Apply failed with 1 conflict: conflict with "before-first-apply" using ${API_VERSION}: .spec.replicas`,
    );
    const agreeing = apply(legacy, object({ spec: { replicas: 1 } }), 'helm');
    expect(agreeing.metadata.managedFields!.map((e) => `${e.operation}/${e.manager}`)).toEqual([
      'Apply/helm',
      'Update/before-first-apply',
    ]);
    expect(entry(agreeing, 'before-first-apply', 'Update')!.fieldsV1).toEqual({
      'f:spec': { '.': {}, 'f:image': {}, 'f:replicas': {} },
    });
  });

  it('rejects a configuration that carries managedFields (400, as upstream)', () => {
    const applied = object({ spec: { replicas: 1 } });
    applied.metadata.managedFields = [];
    const error = applyError(() => apply(undefined, applied, 'kubectl'));
    expect(error.code).toBe(400);
    expect(error.status.message).toBe('metadata.managedFields must be nil');

    const withNull = object({ spec: { replicas: 1 } });
    (withNull.metadata as Record<string, unknown>).managedFields = null;
    expect(apply(undefined, withNull, 'kubectl').spec).toEqual({ replicas: 1 });
  });

  it('rejects list items without their key, naming the list', () => {
    const error = applyError(() => apply(undefined, object({ status: { conditions: [{ status: 'True' }] } }), 'kubectl'));
    expect(error.code).toBe(400);
    expect(error.status.message).toContain('.status.conditions: element 0: associative list with keys has an element that omits key field "type"');
  });

  it('rejects duplicate list items', () => {
    const error = applyError(() => apply(undefined, object({ spec: { tags: ['x', 'x'] } }), 'kubectl'));
    expect(error.code).toBe(400);
    expect(error.status.message).toContain('.spec.tags: duplicate entries for key "x"');
  });
});
