// The e2e test support, in one import: `import { ensureCluster, kubectl, ... } from './support/index.ts'`.
export {
  ADMIN_KUBECONFIG,
  APISERVER_URL,
  CLUSTER_DIR,
  HOST_IP,
  KAMAJI_ETCD,
  NODE_IP,
  NODE_NAME,
  REPO_ROOT,
  clusterIsUp,
  ensureCluster,
  kubectl,
  kubernetesVersion,
  pinnedVersion,
  type KubectlOptions,
  type KubectlResult,
} from './cluster.ts';
export { newNamespace, type TestNamespace } from './namespace.ts';
export { localTenantControlPlane, sqlDataStore, type LocalControlPlane } from './manifests.ts';
export { collectComponentLogs } from './logs.ts';
export { type Datastore, type SqlCredentials, type SqlDatastore } from '../../support/datastore.ts';
export { startEtcd, type EtcdClientCertificates, type EtcdDatastore } from '../../support/etcd.ts';
export { startMariaDB } from '../../support/mariadb.ts';
export { datastoreHost, freePort } from '../../support/network.ts';
export { startPostgres } from '../../support/postgres.ts';
