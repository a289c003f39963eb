// The DataStores and TenantControlPlanes that run on the local cluster, as the e2e suites and the
// benchmark's control-plane figures create them.
import type { Datastore, SqlCredentials } from '../../support/datastore.ts';
import { NODE_IP, kubernetesVersion } from './cluster.ts';

const base64 = (text: string) => Buffer.from(text).toString('base64');

/** A DataStore for a SQL server with its administrator's password credentials. */
export function sqlDataStore(name: string, driver: 'PostgreSQL' | 'MySQL', server: Datastore<SqlCredentials>) {
  return {
    apiVersion: 'tenancy.kamaji.io/v1alpha1',
    kind: 'DataStore',
    metadata: { name },
    spec: {
      driver,
      endpoints: [`${server.host}:${server.port}`],
      basicAuth: { username: { content: base64(server.credentials.user) }, password: { content: base64(server.credentials.password) } },
    },
  };
}

export interface LocalControlPlane {
  namespace: string;
  name: string;
  dataStore: string;
  /** Default 1; 0 makes every object and no pod. */
  replicas?: number;
  /** Reachable on the node at this NodePort; without one it is a ClusterIP Service and gets konnectivity. */
  nodePort?: number;
  /** Default: the pinned version, the only one the local cluster has images for. */
  version?: string;
}

/** A TenantControlPlane the local cluster can run. */
export function localTenantControlPlane(options: LocalControlPlane) {
  const { namespace, name, dataStore, replicas = 1, nodePort, version = kubernetesVersion() } = options;
  return {
    apiVersion: 'tenancy.kamaji.io/v1alpha1',
    kind: 'TenantControlPlane',
    metadata: { name, namespace },
    spec: {
      dataStore,
      controlPlane: {
        deployment: {
          replicas,
          // Two shared cores: give the components time to start before the kubelet restarts them.
          probes: { startup: { failureThreshold: 60, timeoutSeconds: 5 }, liveness: { timeoutSeconds: 5 }, readiness: { timeoutSeconds: 5 } },
        },
        service: { serviceType: nodePort ? 'NodePort' : 'ClusterIP' },
      },
      ...(nodePort ? { networkProfile: { address: NODE_IP, port: nodePort } } : {}),
      kubernetes: { version, kubelet: {} },
      // konnectivity's port would be a NodePort outside kube's range: only ClusterIP tcps get it.
      ...(nodePort ? {} : { addons: { konnectivity: {} } }),
    },
  };
}
