// Kamaji users move manifests over by changing only apiVersion: these documentation-shaped
// manifests must pass unchanged otherwise.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { apiVersion, dataStoreDeclaration, tenantControlPlaneDeclaration, type DataStore, type TenantControlPlane } from '../../../src/apis/index.ts';
import { admitCreate } from './admission.ts';

function manifests(file: string): Record<string, unknown>[] {
  const text = readFileSync(new URL(`./manifests/${file}`, import.meta.url), 'utf8');
  return parseAllDocuments(text).map((document) => document.toJS() as Record<string, unknown>);
}

function moved<T>(manifest: Record<string, unknown>): T {
  expect(manifest['apiVersion']).toBe('kamaji.clastix.io/v1alpha1');
  return { ...manifest, apiVersion } as T;
}

describe('Kamaji DataStore manifests', () => {
  for (const manifest of manifests('kamaji-datastores.yaml')) {
    const name = (manifest['metadata'] as { name: string }).name;
    test(`${name} is accepted with only apiVersion changed`, () => {
      const { unknownFields, errors } = admitCreate(dataStoreDeclaration, moved<DataStore>(manifest));
      expect(unknownFields).toEqual([]);
      expect(errors).toEqual([]);
    });
  }
});

describe('Kamaji TenantControlPlane manifests', () => {
  const [gettingStarted, full] = manifests('kamaji-tenantcontrolplanes.yaml') as [Record<string, unknown>, Record<string, unknown>];

  test('the getting-started tenant is accepted and defaulted like Kamaji does', () => {
    const { object, unknownFields, errors } = admitCreate(tenantControlPlaneDeclaration, moved<TenantControlPlane>(gettingStarted));
    expect(unknownFields).toEqual([]);
    expect(errors).toEqual([]);
    const network = object.spec.networkProfile!;
    expect(network.serviceCidrs).toEqual(['10.96.0.0/16']);
    expect(network.podCidrs).toEqual(['10.36.0.0/16']);
    expect(network.dnsServiceIPs).toEqual(['10.96.0.10']);
    expect(object.spec.controlPlane.deployment?.replicas).toBe(3);
    expect(object.spec.kubernetes.admissionControllers).toEqual(['ResourceQuota', 'LimitRanger']);
    expect(object.spec.addons?.konnectivity?.agent).toEqual({
      image: 'registry.k8s.io/kas-network-proxy/proxy-agent',
      mode: 'DaemonSet',
      hostNetwork: false,
      tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }],
    });
  });

  test('a dual-stack tenant with every deployment option is accepted and keeps its values', () => {
    const { object, unknownFields, errors } = admitCreate(tenantControlPlaneDeclaration, moved<TenantControlPlane>(full));
    expect(unknownFields).toEqual([]);
    expect(errors).toEqual([]);
    expect(object.spec.dataStoreSchema).toBe('tenants_tenant_dual');
    expect(object.spec.networkProfile?.dnsServiceIPs).toEqual(['10.96.0.10', 'fd00:10:96::10']);
    expect(object.spec.controlPlane.deployment?.registrySettings).toEqual({
      registry: 'registry.example.com/k8s',
      tagSuffix: '-fips',
      apiServerImage: 'kube-apiserver',
      controllerManagerImage: 'kube-controller-manager',
      schedulerImage: 'kube-scheduler',
    });
    // Embedded corev1 types are kept verbatim.
    expect(object.spec.controlPlane.deployment?.affinity).toEqual({
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { 'kamaji.clastix.io/name': 'tenant-dual' } } } },
        ],
      },
    });
  });
});
