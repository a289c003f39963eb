// What kubectl users do, step by step, through the registry's two entry points.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../src/apis/meta.ts';
import { ApiError } from '../../../../src/registry/errors.ts';
import { applyConfiguration, updateManagedFields } from '../../../../src/registry/managedfields/index.ts';
import { API_VERSION, object, schema, stored } from './fixtures.ts';

const T0 = '2026-11-21T05:00:00Z';
const T1 = '2026-11-21T05:01:00Z';
const T2 = '2026-11-21T05:02:00Z';

const manifest = object({
  labels: { app: 'demo' },
  spec: { replicas: 2, image: 'kamaji:v1', ports: [{ port: 6443, name: 'api' }] },
});

function serverSideApply(live: KubeObject | undefined, applied: KubeObject, time: string, force = false): KubeObject {
  return applyConfiguration({ live, applied, manager: 'kubectl', force, apiVersion: API_VERSION, time, schema });
}

/** kubectl edit: a merge patch the registry applies, then records as an Update. */
function kubectlEdit(live: KubeObject, change: (o: KubeObject) => void, time: string): KubeObject {
  const updated = structuredClone(live);
  change(updated);
  return stored(updated, updateManagedFields({ live, updated, manager: 'kubectl-edit', apiVersion: API_VERSION, time, schema }));
}

describe('kubectl sequences', () => {
  it('kubectl apply --server-side twice changes nothing, not even the entry time', () => {
    const first = serverSideApply(undefined, manifest, T0);
    const second = serverSideApply(first, manifest, T1);
    expect(second).toEqual(first);
  });

  it('kubectl edit of a field, then apply of the manifest: conflict on the edited field; --force-conflicts wins', () => {
    const applied = serverSideApply(undefined, manifest, T0);
    const edited = kubectlEdit(applied, (o) => (o.spec!.replicas = 5), T1);
    expect(edited.metadata.managedFields!.map((e) => `${e.operation}/${e.manager}`)).toEqual(['Apply/kubectl', 'Update/kubectl-edit']);

    let conflict: unknown;
    try {
      serverSideApply(edited, manifest, T2);
    } catch (error) {
      conflict = error;
    }
    expect(conflict).toBeInstanceOf(ApiError);
    expect((conflict as ApiError).status.code).toBe(409);
    expect((conflict as ApiError).status.message).toBe(
      `Apply failed with 1 conflict: conflict with "kubectl-edit" using ${API_VERSION}: .spec.replicas`,
    );

    const forced = serverSideApply(edited, manifest, T2, true);
    expect(forced.spec!.replicas).toBe(2);
    expect(forced.metadata.managedFields!.map((e) => e.manager)).toEqual(['kubectl']);
  });

  it('kubectl edit of a field the manifest does not set, then apply: no conflict, the edit stays', () => {
    const applied = serverSideApply(undefined, manifest, T0);
    const edited = kubectlEdit(applied, (o) => (o.spec!.args = ['--v=4']), T1);
    const reapplied = serverSideApply(edited, manifest, T2);
    expect(reapplied.spec!.args).toEqual(['--v=4']);
    expect(reapplied.spec!.replicas).toBe(2);
  });

  it('removing a field from the manifest and applying again removes it from the object', () => {
    const applied = serverSideApply(undefined, manifest, T0);
    const smaller = structuredClone(manifest);
    delete smaller.spec!.ports;
    delete smaller.metadata.labels;
    const reapplied = serverSideApply(applied, smaller, T1);
    expect(reapplied.spec).toEqual({ replicas: 2, image: 'kamaji:v1' });
    expect(reapplied.metadata.labels).toBeUndefined();
  });
});
