// The three ways the benchmark reaches a TenantControlPlane: Kamaji-TS through kube-apiserver's
// aggregation layer (what users get), Kamaji-TS straight to one replica with the front-proxy
// identity (the aggregator's own path, minus its hop), and the CRD peer served by kube-apiserver.
import { group as kamajiGroup, tenantControlPlaneDeclaration } from '../../src/apis/index.ts';
import { BENCH_GROUP } from './crd-peer.ts';
import type { HttpClient } from './http-client.ts';

export type SideKey = 'aggregated' | 'direct' | 'crd';

export const SIDE_LABELS: Record<SideKey, string> = {
  aggregated: 'Kamaji-TS via aggregator',
  direct: 'Kamaji-TS straight to a replica',
  crd: 'CRD on kube-apiserver',
};

/**
 * Controllers skip a TenantControlPlane with this annotation (src/controllers/tenantcontrolplane/names.ts),
 * so thousands of API benchmark objects never become Services, Secrets and Deployments.
 */
export const PAUSED_ANNOTATION = 'kamaji.clastix.io/paused';

export interface ApiSide {
  key: SideKey;
  label: string;
  client: HttpClient;
  apiVersion: string;
  /** The collection in one namespace, or across all of them. */
  collection(namespace?: string): string;
  object(namespace: string, name: string): string;
}

export function apiSide(key: SideKey, client: HttpClient): ApiSide {
  const group = key === 'crd' ? BENCH_GROUP : kamajiGroup;
  const { version, plural } = tenantControlPlaneDeclaration;
  const root = `/apis/${group}/${version}`;
  return {
    key,
    label: SIDE_LABELS[key],
    client,
    apiVersion: `${group}/${version}`,
    collection: (namespace) => (namespace === undefined ? `${root}/${plural}` : `${root}/namespaces/${namespace}/${plural}`),
    object: (namespace, name) => `${root}/namespaces/${namespace}/${plural}/${name}`,
  };
}

/** A small, valid TenantControlPlane, identical on every side but for apiVersion. */
export function benchTenantControlPlane(side: ApiSide, namespace: string, name: string, labels: Record<string, string> = {}) {
  return {
    apiVersion: side.apiVersion,
    kind: tenantControlPlaneDeclaration.kind,
    metadata: { name, namespace, labels: { 'app.kubernetes.io/part-of': 'kamaji-ts-bench', ...labels }, annotations: { [PAUSED_ANNOTATION]: 'bench' } },
    spec: {
      controlPlane: { deployment: { replicas: 1 }, service: { serviceType: 'ClusterIP' } },
      kubernetes: { version: 'v1.33.0', kubelet: { cgroupfs: 'systemd' } },
    },
  };
}

/** Creates the objects with bounded concurrency; untimed set-up for the read and write figures. */
export async function createMany(side: ApiSide, namespace: string, names: readonly string[], onProgress?: (done: number) => void): Promise<void> {
  let done = 0;
  await boundedAll(names.length, 16, async (index) => {
    const body = JSON.stringify(benchTenantControlPlane(side, namespace, names[index]!));
    await side.client.request(side.collection(namespace), { method: 'POST', body });
    if (++done % 500 === 0) onProgress?.(done);
  });
}

/** Runs `count` calls of `work` with at most `concurrency` at once; returns what each returned, in order. */
export async function boundedAll<T>(count: number, concurrency: number, work: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      results[index] = await work(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

export async function ensureNamespace(admin: HttpClient, name: string): Promise<void> {
  await admin
    .request('/api/v1/namespaces', { method: 'POST', body: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'app.kubernetes.io/part-of': 'kamaji-ts-bench' } } }) })
    .catch((error: unknown) => {
      if (!(error instanceof Error && / 409:/.test(error.message))) throw error;
    });
}

/** Empties the namespace on every side, then deletes it without waiting for the namespace controller. */
export async function removeNamespace(admin: HttpClient, sides: readonly ApiSide[], name: string): Promise<void> {
  for (const side of sides) await side.client.request(side.collection(name), { method: 'DELETE' }).catch(() => undefined);
  await admin.request(`/api/v1/namespaces/${name}`, { method: 'DELETE' }).catch(() => undefined);
}
