import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../src/apis/meta.ts';
import { applyConfiguration, updateManagedFields } from '../../../../src/registry/managedfields/index.ts';
import { API_VERSION, object, schema, stored } from './fixtures.ts';

const T0 = '2026-11-21T05:00:00Z';
const T1 = '2026-11-21T05:01:00Z';
const T2 = '2026-11-21T05:02:00Z';

function write(live: KubeObject | undefined, updated: KubeObject, manager: string, time: string, subresource?: string): KubeObject {
  const managedFields = updateManagedFields({
    live,
    updated,
    manager,
    apiVersion: API_VERSION,
    time,
    schema,
    ...(subresource ? { subresource } : {}),
  });
  return stored(updated, managedFields);
}

/** The object as a client would send it back after changing it: managedFields as read. */
function edit(live: KubeObject, change: (o: KubeObject) => void): KubeObject {
  const copy = structuredClone(live);
  change(copy);
  return copy;
}

describe('updateManagedFields', () => {
  it('gives the writer what it changed and takes it from the previous owner, whose time stays', () => {
    const created = write(undefined, object({ spec: { replicas: 1, image: 'a' } }), 'kubectl-create', T0);
    const scaled = write(created, edit(created, (o) => (o.spec!.replicas = 3)), 'hpa', T1);
    expect(scaled.metadata.managedFields).toEqual([
      {
        manager: 'kubectl-create',
        operation: 'Update',
        apiVersion: API_VERSION,
        time: T0,
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:spec': { '.': {}, 'f:image': {} } },
      },
      {
        manager: 'hpa',
        operation: 'Update',
        apiVersion: API_VERSION,
        time: T1,
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:spec': { 'f:replicas': {} } },
      },
    ]);
  });

  it('drops removed fields from every set and removes entries left empty', () => {
    const created = write(undefined, object({ spec: { replicas: 1, image: 'a' } }), 'kubectl-create', T0);
    const scaled = write(created, edit(created, (o) => (o.spec!.replicas = 3)), 'hpa', T1);
    const trimmed = write(scaled, edit(scaled, (o) => delete o.spec!.replicas), 'kubectl-edit', T2);
    expect(trimmed.metadata.managedFields!.map((e) => e.manager)).toEqual(['kubectl-create']);
    expect(trimmed.metadata.managedFields![0]!.time).toBe(T0);
  });

  it('leaves managedFields untouched by a write that changes nothing', () => {
    const created = write(undefined, object({ spec: { replicas: 1 } }), 'kubectl-create', T0);
    expect(updateManagedFields({ live: created, updated: structuredClone(created), manager: 'other', apiVersion: API_VERSION, time: T2, schema })).toEqual(
      created.metadata.managedFields,
    );
  });

  it('merges a later change of the same manager into its entry and updates its time', () => {
    const created = write(undefined, object({ spec: { replicas: 1 } }), 'ctl', T0);
    const changed = write(created, edit(created, (o) => (o.spec!.image = 'b')), 'ctl', T1);
    expect(changed.metadata.managedFields).toEqual([
      expect.objectContaining({ manager: 'ctl', time: T1, fieldsV1: { 'f:spec': { '.': {}, 'f:image': {}, 'f:replicas': {} } } }),
    ]);
  });

  it('keeps one entry per subresource', () => {
    const created = write(undefined, object({ spec: { replicas: 1 } }), 'kamaji', T0);
    const status = write(created, edit(created, (o) => (o.status = { phase: 'Ready' })), 'kamaji', T1, 'status');
    expect(status.metadata.managedFields!.map((e) => [e.manager, e.subresource])).toEqual([
      ['kamaji', undefined],
      ['kamaji', 'status'],
    ]);
  });

  it('takes fields from Apply managers too, which then no longer conflict', () => {
    const applied = applyConfiguration({
      live: undefined,
      applied: object({ spec: { replicas: 1 } }),
      manager: 'kubectl',
      force: false,
      apiVersion: API_VERSION,
      time: T0,
      schema,
    });
    const scaled = write(applied, edit(applied, (o) => (o.spec!.replicas = 5)), 'hpa', T1);
    expect(scaled.metadata.managedFields!.map((e) => e.manager)).toEqual(['hpa']);
  });

  it('honours managedFields a main-resource write sends, and clears them on [{}]', () => {
    const created = write(undefined, object({ spec: { replicas: 1, image: 'a' } }), 'kubectl-create', T0);
    const handed = edit(created, (o) => {
      o.metadata.managedFields = [{ ...o.metadata.managedFields![0]!, manager: 'renamed' }];
    });
    expect(write(created, handed, 'kubectl-edit', T1).metadata.managedFields!.map((e) => e.manager)).toEqual(['renamed']);

    const reset = edit(created, (o) => {
      o.metadata.managedFields = [{} as never];
    });
    expect(updateManagedFields({ live: created, updated: reset, manager: 'kubectl-edit', apiVersion: API_VERSION, time: T1, schema })).toEqual([]);
  });

  it('ignores managedFields sent to a subresource', () => {
    const created = write(undefined, object({ spec: { replicas: 1 } }), 'kubectl-create', T0);
    const sneaky = edit(created, (o) => {
      o.metadata.managedFields = [];
      o.status = { phase: 'Ready' };
    });
    expect(write(created, sneaky, 'kamaji', T1, 'status').metadata.managedFields!.map((e) => e.manager)).toEqual([
      'kubectl-create',
      'kamaji',
    ]);
  });

  it('orders Apply entries before Update entries, then by time', () => {
    const created = write(undefined, object({ spec: { replicas: 1 } }), 'z-creator', T1);
    const applied = applyConfiguration({
      live: created,
      applied: object({ spec: { image: 'a' } }),
      manager: 'a-applier',
      force: false,
      apiVersion: API_VERSION,
      time: T2,
      schema,
    });
    const early = write(applied, edit(applied, (o) => (o.spec!.args = ['x'])), 'b-early', T0);
    expect(early.metadata.managedFields!.map((e) => `${e.operation}/${e.manager}`)).toEqual([
      'Apply/a-applier',
      'Update/b-early',
      'Update/z-creator',
    ]);
  });

  it('drops ownership of what was below a value that changed shape (map to scalar)', () => {
    const created = write(undefined, object({ spec: { extra: { e: { deep: 1 } } } }), 'alpha', T0);
    const flattened = write(created, edit(created, (o) => (o.spec!.extra = { e: 2 })), 'beta', T1);
    expect(flattened.metadata.managedFields!.map((e) => [e.manager, e.fieldsV1])).toEqual([
      ['alpha', { 'f:spec': { '.': {}, 'f:extra': {} } }],
      ['beta', { 'f:spec': { 'f:extra': { 'f:e': {} } } }],
    ]);
  });

  it('keeps at most ten Update entries, folding the oldest into "ancient-changes"', () => {
    let live = write(undefined, object({ spec: { replicas: 0 } }), 'manager-00', '2026-11-21T05:00:00Z');
    for (let i = 1; i <= 11; i++) {
      const minute = String(i).padStart(2, '0');
      live = write(live, edit(live, (o) => ((o.spec!.extra ??= {}) as Record<string, number>)[`k${minute}`] = i), `manager-${minute}`, `2026-11-21T05:${minute}:00Z`);
    }
    const entries = live.metadata.managedFields!;
    expect(entries).toHaveLength(10);
    const ancient = entries.find((e) => e.manager === 'ancient-changes')!;
    // 12 writers: the three oldest share one entry, with the time of the newest of them.
    expect(entries.map((e) => e.manager)).toEqual(['ancient-changes', ...Array.from({ length: 9 }, (_, i) => `manager-${String(i + 3).padStart(2, '0')}`)]);
    expect(ancient.time).toBe('2026-11-21T05:02:00Z');
    expect(ancient.fieldsV1).toEqual({
      'f:spec': { '.': {}, 'f:extra': { '.': {}, 'f:k01': {}, 'f:k02': {} }, 'f:replicas': {} },
    });

    // Later writers keep folding the oldest into the same bucket, whatever its age among them.
    const older = edit(live, (o) => {
      const entries = o.metadata.managedFields!;
      entries.find((e) => e.manager === 'manager-03')!.time = '2026-11-21T04:00:00Z';
    });
    const next = write(older, edit(older, (o) => ((o.spec!.extra as Record<string, number>).k12 = 12)), 'manager-12', '2026-11-21T05:12:00Z');
    const managers = next.metadata.managedFields!.map((e) => e.manager);
    expect(managers).toHaveLength(10);
    expect(managers.filter((m) => m === 'ancient-changes')).toHaveLength(1);
    expect(managers).not.toContain('manager-03');
    expect(next.metadata.managedFields!.find((e) => e.manager === 'ancient-changes')!.fieldsV1).toEqual({
      'f:spec': { '.': {}, 'f:extra': { '.': {}, 'f:k01': {}, 'f:k02': {}, 'f:k03': {} }, 'f:replicas': {} },
    });
  });
});
