// The field manager over the real TenantControlPlane schema: sets, keyed lists and conditions as
// declared in src/apis, through the sequences users and the controllers run.
import { describe, expect, it } from 'vitest';
import { apiVersion, tenantControlPlaneDeclaration } from '../../../../src/apis/index.ts';
import type { KubeObject } from '../../../../src/apis/meta.ts';
import { ApiError } from '../../../../src/registry/errors.ts';
import { applyConfiguration, updateManagedFields } from '../../../../src/registry/managedfields/index.ts';

const schema = tenantControlPlaneDeclaration.schema;

const manifest: KubeObject = {
  apiVersion,
  kind: 'TenantControlPlane',
  metadata: { name: 'prod', namespace: 'tenants', labels: { tenant: 'prod' } },
  spec: {
    controlPlane: {
      deployment: { replicas: 2 },
      service: { serviceType: 'LoadBalancer' },
    },
    kubernetes: {
      version: 'v1.30.2',
      kubelet: { preferredAddressTypes: ['InternalIP', 'ExternalIP'] },
      admissionControllers: ['LimitRanger', 'ResourceQuota'],
    },
    networkProfile: { port: 6443, certSANs: ['prod.example.com'], serviceCidrs: ['10.96.0.0/16'] },
  },
};

function serverSideApply(live: KubeObject | undefined, applied: KubeObject, manager: string, time: string, force = false): KubeObject {
  return applyConfiguration({ live, applied: structuredClone(applied), manager, force, apiVersion, time, schema });
}

function update(live: KubeObject, change: (o: KubeObject) => void, manager: string, time: string, subresource?: string): KubeObject {
  const updated = structuredClone(live);
  change(updated);
  updated.metadata.managedFields = updateManagedFields({
    live,
    updated,
    manager,
    apiVersion,
    time,
    schema,
    ...(subresource ? { subresource } : {}),
  });
  return updated;
}

describe('managedFields of a TenantControlPlane', () => {
  it('records sets by value and atomic lists whole, and a second identical apply changes nothing', () => {
    const first = serverSideApply(undefined, manifest, 'kubectl', '2026-11-21T05:00:00Z');
    expect(first.metadata.managedFields![0]!.fieldsV1).toEqual({
      'f:metadata': { 'f:labels': { 'f:tenant': {} } },
      'f:spec': {
        'f:controlPlane': { 'f:deployment': { 'f:replicas': {} }, 'f:service': { 'f:serviceType': {} } },
        'f:kubernetes': {
          'f:admissionControllers': { 'v:"LimitRanger"': {}, 'v:"ResourceQuota"': {} },
          'f:kubelet': { 'f:preferredAddressTypes': { 'v:"InternalIP"': {}, 'v:"ExternalIP"': {} } },
          'f:version': {},
        },
        'f:networkProfile': { 'f:certSANs': { 'v:"prod.example.com"': {} }, 'f:port': {}, 'f:serviceCidrs': {} },
      },
    });
    expect(serverSideApply(first, manifest, 'kubectl', '2026-11-21T05:05:00Z')).toEqual(first);
  });

  it('lets the controller own its conditions and a second applier add certSANs without conflict', () => {
    const applied = serverSideApply(undefined, manifest, 'kubectl', '2026-11-21T05:00:00Z');
    const ready = update(
      applied,
      (o) => {
        o.status = {
          conditions: [{ type: 'Ready', status: 'True', reason: 'Ready', message: '', lastTransitionTime: '2026-11-21T05:01:00Z' }],
        };
      },
      'kamaji',
      '2026-11-21T05:01:00Z',
      'status',
    );
    const reapplied = serverSideApply(ready, manifest, 'kubectl', '2026-11-21T05:02:00Z');
    expect(reapplied.status).toEqual(ready.status);

    const withSan = serverSideApply(
      reapplied,
      { ...structuredClone(manifest), spec: { networkProfile: { certSANs: ['vip.example.com'] } } },
      'gitops',
      '2026-11-21T05:03:00Z',
    );
    expect((withSan.spec!.networkProfile as { certSANs: string[] }).certSANs).toEqual(['prod.example.com', 'vip.example.com']);
    expect(withSan.metadata.managedFields!.map((e) => `${e.operation}/${e.manager}/${e.subresource ?? ''}`)).toEqual([
      'Apply/kubectl/',
      'Apply/gitops/',
      'Update/kamaji/status',
    ]);
  });

  it('conflicts after kubectl scale-like updates of replicas, on exactly that path', () => {
    const applied = serverSideApply(undefined, manifest, 'kubectl', '2026-11-21T05:00:00Z');
    const scaled = update(
      applied,
      (o) => (((o.spec!.controlPlane as Record<string, Record<string, number>>).deployment!).replicas = 3),
      'kubectl-scale',
      '2026-11-21T05:01:00Z',
    );
    let error: unknown;
    try {
      serverSideApply(scaled, manifest, 'kubectl', '2026-11-21T05:02:00Z');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status.details?.causes).toEqual([
      {
        reason: 'FieldManagerConflict',
        message: `conflict with "kubectl-scale" using ${apiVersion}`,
        field: '.spec.controlPlane.deployment.replicas',
      },
    ]);
  });
});
