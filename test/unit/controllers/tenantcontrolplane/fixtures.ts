// A TenantControlPlane as the registry stores it: schema defaults and create-time defaults applied.
import { applySchemaDefaults, tenantControlPlaneDeclaration, type TenantControlPlane } from '../../../../src/apis/index.ts';

export function tenantControlPlane(spec: Record<string, unknown> = {}, name = 'tenant-a', namespace = 'team-a'): TenantControlPlane {
  const tcp = {
    apiVersion: 'tenancy.kamaji.io/v1alpha1',
    kind: 'TenantControlPlane',
    metadata: { name, namespace, uid: '7f0c1a52-3b4d-4e5f-8a9b-0c1d2e3f4a5b', generation: 1, resourceVersion: '10' },
    spec: {
      dataStore: 'default',
      controlPlane: { deployment: { replicas: 1 }, service: { serviceType: 'ClusterIP' } },
      kubernetes: { version: 'v1.33.13', kubelet: {} },
      ...spec,
    },
  } as unknown as TenantControlPlane;
  applySchemaDefaults(tenantControlPlaneDeclaration.schema, tcp);
  tenantControlPlaneDeclaration.defaultOnCreate(tcp, {});
  return tcp;
}
