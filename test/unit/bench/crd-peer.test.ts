import { describe, expect, test } from 'vitest';
import { tenantControlPlaneDeclaration } from '../../../src/apis/index.ts';
import { BENCH_GROUP, customResourceDefinitionFor } from '../../../bench/lib/crd-peer.ts';

describe('customResourceDefinitionFor', () => {
  const crd = customResourceDefinitionFor(tenantControlPlaneDeclaration);
  const version = crd.spec.versions[0]!;

  test('serves the same kind under the bench-only group', () => {
    expect(crd.metadata.name).toBe(`tenantcontrolplanes.${BENCH_GROUP}`);
    expect(crd.spec.group).toBe(BENCH_GROUP);
    expect(crd.spec.scope).toBe('Namespaced');
    expect(crd.spec.names).toEqual({ kind: 'TenantControlPlane', listKind: 'TenantControlPlaneList', plural: 'tenantcontrolplanes', singular: 'tenantcontrolplane' });
    expect(version.name).toBe(tenantControlPlaneDeclaration.version);
  });

  test('takes the schema from the declaration itself, not a copy', () => {
    expect(version.schema.openAPIV3Schema).toBe(tenantControlPlaneDeclaration.schema);
    expect(version.subresources).toEqual({ status: {} });
  });

  test('printer columns become additionalPrinterColumns in order', () => {
    expect(version.additionalPrinterColumns.map((c) => c.jsonPath)).toEqual(tenantControlPlaneDeclaration.printerColumns.map((c) => c.jsonPath));
    expect(version.additionalPrinterColumns[0]).toEqual({ name: 'Version', type: 'string', description: 'Kubernetes version', priority: 0, jsonPath: '.spec.kubernetes.version' });
  });

  test('leaves out short names and categories, which would shadow `kubectl get tcp`', () => {
    expect(crd.spec.names).not.toHaveProperty('shortNames');
    expect(crd.spec.names).not.toHaveProperty('categories');
  });
});
