// The DataStores and TenantControlPlanes the control-plane figures create, shared by the section
// (through the deployed Kamaji-TS) and the controllers-only child process.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NODE_IP } from '../../test/e2e/support/cluster.ts';
import { localTenantControlPlane, sqlDataStore } from '../../test/e2e/support/manifests.ts';
import { startMariaDB } from '../../test/support/mariadb.ts';
import { startPostgres } from '../../test/support/postgres.ts';
import { CLUSTER_DIR } from './cluster.ts';

export type Driver = 'etcd' | 'PostgreSQL' | 'MySQL';
const b64 = (text: string) => Buffer.from(text).toString('base64');

/** A tenant DataStore: the cluster's Kamaji etcd with its root certificate, or a throwaway SQL server reachable from pods. */
export async function benchDataStore(driver: Driver, name: string): Promise<{ manifest: object; stop(): Promise<void> }> {
  if (driver === 'etcd') {
    const file = (f: string) => b64(readFileSync(join(CLUSTER_DIR, 'kamaji-etcd', f), 'utf8'));
    return {
      manifest: {
        apiVersion: 'tenancy.kamaji.io/v1alpha1',
        kind: 'DataStore',
        metadata: { name },
        spec: {
          driver: 'etcd',
          endpoints: [`${NODE_IP}:2479`],
          tlsConfig: {
            certificateAuthority: { certificate: { content: file('ca.crt') }, privateKey: { content: file('ca.key') } },
            clientCertificate: { certificate: { content: file('root.crt') }, privateKey: { content: file('root.key') } },
          },
        },
      },
      stop: async () => undefined,
    };
  }
  const server = driver === 'PostgreSQL' ? await startPostgres() : await startMariaDB();
  return { manifest: sqlDataStore(name, driver, server), stop: () => server.stop() };
}

/**
 * A TenantControlPlane at the pinned version (the local cluster builds images for it alone). With
 * `nodePort` it is reachable on the node; without, it gets konnectivity; replicas 0 makes objects
 * and no pods.
 */
export function benchControlPlane(namespace: string, name: string, dataStore: string, replicas: number, nodePort?: number) {
  return localTenantControlPlane({ namespace, name, dataStore, replicas, ...(nodePort ? { nodePort } : {}) });
}

/** A NodePort for one benchmark run (the range kube-apiserver allots from by default). */
export const randomNodePort = () => 30_000 + Math.floor(Math.random() * 2_700);
