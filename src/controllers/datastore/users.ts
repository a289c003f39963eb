// Which TenantControlPlanes use which DataStore: the one in spec.dataStore, the one the status says
// holds the data (they differ while a migration is pending), and the etcd overrides.
import type { TenantControlPlane } from '../../apis/index.ts';
import type { KubeObject } from '../../apis/meta.ts';

export function dataStoresOf(object: KubeObject): Set<string> {
  const tcp = object as unknown as TenantControlPlane;
  const names = [
    tcp.spec?.dataStore,
    tcp.status?.storage?.dataStoreName,
    ...(tcp.spec?.dataStoreOverrides ?? []).map((override) => override.dataStore),
  ];
  return new Set(names.filter((name): name is string => Boolean(name)));
}

/** `namespace/name` of every tcp using `dataStoreName`, sorted. */
export function usersOf(dataStoreName: string, tenantControlPlanes: readonly KubeObject[]): string[] {
  return tenantControlPlanes
    .filter((tcp) => dataStoresOf(tcp).has(dataStoreName))
    .map((tcp) => `${tcp.metadata.namespace ?? ''}/${tcp.metadata.name ?? ''}`)
    .sort();
}
