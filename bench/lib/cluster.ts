// The real local management cluster (npm run cluster:up) as the benchmark sees it: the admin's
// target through kube-apiserver, each Kamaji-TS replica reached straight with the front-proxy
// identity (the very path the aggregator takes), and the processes whose memory and CPU we read.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { HttpClient, type Target } from './http-client.ts';
import { ADMIN_KUBECONFIG, CLUSTER_DIR } from '../../test/e2e/support/cluster.ts';
import { pidFromFile, pidsWithEnvironment } from './process-usage.ts';

// One definition of where the cluster lives (KAMAJI_CACHE_DIR or .cache), shared with the e2e suite.
export { ADMIN_KUBECONFIG, BIN_DIR, CLUSTER_DIR } from '../../test/e2e/support/cluster.ts';

const KAMAJI_NAMESPACE = 'kamaji-system';
const KAMAJI_SERVICE = 'tenancy-apiserver';
const KAMAJI_APISERVICE = 'v1alpha1.tenancy.kamaji.io';

export interface Replica {
  pod: string;
  ip: string;
  pid: number | undefined;
  client: HttpClient;
}

export interface Cluster {
  kubeConfig: KubeConfig;
  /** Through kube-apiserver: the aggregated API and the CRD peer. */
  admin: HttpClient;
  /** The user and groups of the admin certificate, for the front-proxy headers. */
  adminIdentity: { user: string; groups: string[] };
  replicas(): Promise<Replica[]>;
  kubeApiserverPid(): number | undefined;
  etcdPid(): number | undefined;
  kamajiEtcdPid(): number | undefined;
  close(): void;
}

const decode = (base64: string | undefined, what: string) => {
  if (!base64) throw new Error(`${ADMIN_KUBECONFIG}: no ${what}; is the cluster up (npm run cluster:up)?`);
  return Buffer.from(base64, 'base64').toString('utf8');
};

export function openCluster(): Cluster {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(ADMIN_KUBECONFIG);
  const cluster = kubeConfig.getCurrentCluster();
  const user = kubeConfig.getCurrentUser();
  if (!cluster || !user) throw new Error(`${ADMIN_KUBECONFIG}: no current cluster or user`);
  const adminTarget: Target = {
    label: 'kube-apiserver',
    baseUrl: cluster.server,
    ca: decode(cluster.caData, 'certificate-authority-data'),
    cert: decode(user.certData, 'client-certificate-data'),
    key: decode(user.keyData, 'client-key-data'),
  };
  const admin = new HttpClient(adminTarget);
  const adminIdentity = identityOf(adminTarget.cert);
  const frontProxy = {
    cert: readFileSync(join(CLUSTER_DIR, 'pki/front-proxy-client.crt'), 'utf8'),
    key: readFileSync(join(CLUSTER_DIR, 'pki/front-proxy-client.key'), 'utf8'),
  };
  const replicaClients = new Map<string, HttpClient>();

  return {
    kubeConfig,
    admin,
    adminIdentity,
    async replicas() {
      const apiService = await admin.json<{ spec: { caBundle: string } }>(`/apis/apiregistration.k8s.io/v1/apiservices/${KAMAJI_APISERVICE}`);
      const slices = await admin.json<EndpointSliceList>(
        `/apis/discovery.k8s.io/v1/namespaces/${KAMAJI_NAMESPACE}/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3D${KAMAJI_SERVICE}`,
      );
      const port = slices.items[0]?.ports?.[0]?.port ?? 8443;
      const ready = slices.items.flatMap((slice) => slice.endpoints.filter((e) => e.conditions?.ready !== false && e.targetRef?.name));
      return ready.map((endpoint) => {
        const pod = endpoint.targetRef!.name;
        const ip = endpoint.addresses[0]!;
        const key = `${pod}/${ip}`;
        let client = replicaClients.get(key);
        if (!client) {
          client = new HttpClient({
            label: `Kamaji-TS ${pod}`,
            baseUrl: `https://${ip}:${port}`,
            ca: Buffer.from(apiService.spec.caBundle, 'base64').toString('utf8'),
            ...frontProxy,
            servername: `${KAMAJI_SERVICE}.${KAMAJI_NAMESPACE}.svc`,
            headers: { 'X-Remote-User': adminIdentity.user, 'X-Remote-Group': [...adminIdentity.groups, 'system:authenticated'] },
          });
          replicaClients.set(key, client);
        }
        return { pod, ip, pid: pidsWithEnvironment('HOSTNAME', pod)[0], client };
      });
    },
    kubeApiserverPid: () => pidFromFile(join(CLUSTER_DIR, 'pids/kube-apiserver')),
    etcdPid: () => pidFromFile(join(CLUSTER_DIR, 'pids/etcd')),
    kamajiEtcdPid: () => pidFromFile(join(CLUSTER_DIR, 'pids/kamaji-etcd')),
    close() {
      admin.close();
      for (const client of replicaClients.values()) client.close();
    },
  };
}

interface EndpointSliceList {
  items: {
    ports?: { port?: number }[];
    endpoints: { addresses: string[]; conditions?: { ready?: boolean }; targetRef?: { name: string } }[];
  }[];
}

/** CN is the user, each O a group: how kube-apiserver reads a client certificate. */
function identityOf(certificatePem: string): { user: string; groups: string[] } {
  const subject = new X509Certificate(certificatePem).subject.split('\n');
  const values = (key: string) => subject.filter((line) => line.startsWith(`${key}=`)).map((line) => line.slice(key.length + 1));
  return { user: values('CN')[0] ?? '', groups: values('O') };
}
