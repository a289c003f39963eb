// Step 5's objects: what `kubeadm init` leaves in a cluster so that `kubeadm join` works —
// kube-public/cluster-info, the kubeadm-config and kubelet-config ConfigMaps, the bootstrap-token
// and CSR auto-approval RBAC, and kubeadm:cluster-admins — plus the konnectivity agents, CoreDNS
// and kube-proxy when their addons are on. Pure builders; the step applies them.
import type { KubernetesObject } from '@kubernetes/client-node';
import jsonpatch, { type Operation } from 'fast-json-patch';
import { stringify } from 'yaml';
import type { TenantControlPlane } from '../../apis/index.ts';
import { parseKubernetesVersion } from '../../apis/index.ts';
import { CLUSTER_ADMINS_GROUP, clusterDomain, podCidrs, serviceCidrs } from './certificates.ts';
import { coreDNSObjects, kubeProxyObjects } from './addons.ts';
import { konnectivityAgentObjects } from './konnectivity.ts';
import { TENANT_OBJECT_LABELS } from './names.ts';
import { formatEndpoint, type Endpoint } from './service.ts';

export const BOOTSTRAPPERS_GROUP = 'system:bootstrappers:kubeadm:default-node-token';
export const NODES_GROUP = 'system:nodes';
const RBAC = 'rbac.authorization.k8s.io/v1';

export class KubeletConfigurationPatchError extends Error {
  constructor(index: number, detail: string) {
    super(`spec.kubernetes.kubelet.configurationJSONPatches[${index}]: ${detail}`);
    this.name = 'KubeletConfigurationPatchError';
  }
}

type Subject = { kind: 'Group' | 'User'; name: string };
const group = (name: string): Subject => ({ kind: 'Group', name });
const user = (name: string): Subject => ({ kind: 'User', name });

function configMap(namespace: string, name: string, data: Record<string, string>): KubernetesObject & { data: Record<string, string> } {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, labels: { ...TENANT_OBJECT_LABELS } }, data };
}

function role(namespace: string, name: string, rules: object[]): KubernetesObject {
  return { apiVersion: RBAC, kind: 'Role', metadata: { name, namespace, labels: { ...TENANT_OBJECT_LABELS } }, rules } as KubernetesObject;
}

function roleBinding(namespace: string, name: string, roleName: string, subjects: Subject[]): KubernetesObject {
  return {
    apiVersion: RBAC,
    kind: 'RoleBinding',
    metadata: { name, namespace, labels: { ...TENANT_OBJECT_LABELS } },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: roleName },
    subjects: subjects.map((subject) => ({ ...subject, apiGroup: 'rbac.authorization.k8s.io' })),
  } as KubernetesObject;
}

function clusterRole(name: string, rules: object[]): KubernetesObject {
  return { apiVersion: RBAC, kind: 'ClusterRole', metadata: { name, labels: { ...TENANT_OBJECT_LABELS } }, rules } as KubernetesObject;
}

function clusterRoleBinding(name: string, clusterRoleName: string, subjects: Subject[]): KubernetesObject {
  return {
    apiVersion: RBAC,
    kind: 'ClusterRoleBinding',
    metadata: { name, labels: { ...TENANT_OBJECT_LABELS } },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRoleName },
    subjects: subjects.map((subject) => ({ ...subject, apiGroup: 'rbac.authorization.k8s.io' })),
  } as KubernetesObject;
}

/** kube-public/cluster-info in kubeadm's format: one nameless cluster, nothing else. */
export function clusterInfoKubeconfig(server: string, caCertificate: string): string {
  return stringify({
    apiVersion: 'v1',
    clusters: [{ cluster: { 'certificate-authority-data': Buffer.from(caCertificate).toString('base64'), server }, name: '' }],
    contexts: null,
    'current-context': '',
    kind: 'Config',
    preferences: {},
    users: null,
  });
}

/** kubeadm ≥ 1.31 reads v1beta4; older ones only v1beta3. The fields written here are in both. */
export function kubeadmApiVersion(kubernetesVersion: string): string {
  const parsed = parseKubernetesVersion(kubernetesVersion);
  return parsed && parsed.major === 1 && parsed.minor < 31 ? 'kubeadm.k8s.io/v1beta3' : 'kubeadm.k8s.io/v1beta4';
}

export function clusterConfiguration(tcp: TenantControlPlane, endpoint: Endpoint, etcdEndpoints: string[]): string {
  return stringify({
    apiVersion: kubeadmApiVersion(tcp.spec.kubernetes.version),
    kind: 'ClusterConfiguration',
    clusterName: tcp.metadata.name,
    kubernetesVersion: tcp.spec.kubernetes.version,
    controlPlaneEndpoint: formatEndpoint(endpoint),
    certificatesDir: '/etc/kubernetes/pki',
    imageRepository: tcp.spec.controlPlane.deployment?.registrySettings?.registry ?? 'registry.k8s.io',
    networking: {
      dnsDomain: clusterDomain(tcp),
      podSubnet: podCidrs(tcp).join(','),
      serviceSubnet: serviceCidrs(tcp).join(','),
    },
    etcd: { external: { endpoints: etcdEndpoints } },
    apiServer: { certSANs: tcp.spec.networkProfile?.certSANs ?? [] },
    controllerManager: {},
    scheduler: {},
    dns: {},
    proxy: {},
  });
}

/** kubeadm's KubeletConfiguration defaults with the tenant's DNS, then the user's JSON patches. */
export function kubeletConfiguration(tcp: TenantControlPlane): Record<string, unknown> {
  const kubelet = tcp.spec.kubernetes.kubelet;
  const base: Record<string, unknown> = {
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    authentication: {
      anonymous: { enabled: false },
      webhook: { cacheTTL: '0s', enabled: true },
      x509: { clientCAFile: '/etc/kubernetes/pki/ca.crt' },
    },
    authorization: { mode: 'Webhook', webhook: { cacheAuthorizedTTL: '0s', cacheUnauthorizedTTL: '0s' } },
    cgroupDriver: kubelet.cgroupfs ?? 'systemd',
    clusterDNS: [...(tcp.spec.networkProfile?.dnsServiceIPs ?? [])],
    clusterDomain: clusterDomain(tcp),
    containerRuntimeEndpoint: '',
    cpuManagerReconcilePeriod: '0s',
    evictionPressureTransitionPeriod: '0s',
    fileCheckFrequency: '0s',
    healthzBindAddress: '127.0.0.1',
    healthzPort: 10248,
    httpCheckFrequency: '0s',
    imageMaximumGCAge: '0s',
    imageMinimumGCAge: '0s',
    logging: { flushFrequency: 0, options: { json: { infoBufferSize: '0' }, text: { infoBufferSize: '0' } }, verbosity: 0 },
    memorySwap: {},
    nodeStatusReportFrequency: '0s',
    nodeStatusUpdateFrequency: '0s',
    rotateCertificates: true,
    runtimeRequestTimeout: '0s',
    shutdownGracePeriod: '0s',
    shutdownGracePeriodCriticalPods: '0s',
    staticPodPath: '/etc/kubernetes/manifests',
    streamingConnectionIdleTimeout: '0s',
    syncFrequency: '0s',
    volumeStatsAggPeriod: '0s',
  };
  const patches = (kubelet.configurationJSONPatches ?? []) as unknown as Operation[];
  let document = base;
  patches.forEach((operation, index) => {
    try {
      document = jsonpatch.applyOperation(document, operation, true, false).newDocument;
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      throw new KubeletConfigurationPatchError(index, `${operation.op} ${operation.path}: ${message}`);
    }
  });
  return document;
}

export interface TenantBootstrapInputs {
  /** https URL nodes use to reach kube-apiserver. */
  server: string;
  caCertificate: string;
  endpoint: Endpoint;
  /** The etcd endpoints kubeadm-config names (the DataStore's, or kine's loopback). */
  etcdEndpoints: string[];
}

/** Everything step 5 applies in the tenant cluster, in an order that satisfies references. */
export function tenantBootstrapObjects(tcp: TenantControlPlane, inputs: TenantBootstrapInputs): KubernetesObject[] {
  const kubeletConfig = stringify(kubeletConfiguration(tcp));
  const bootstrappers = group(BOOTSTRAPPERS_GROUP);
  const nodes = group(NODES_GROUP);
  return [
    configMap('kube-public', 'cluster-info', { kubeconfig: clusterInfoKubeconfig(inputs.server, inputs.caCertificate) }),
    role('kube-public', 'kubeadm:bootstrap-signer-clusterinfo', [
      { apiGroups: [''], resources: ['configmaps'], resourceNames: ['cluster-info'], verbs: ['get'] },
    ]),
    roleBinding('kube-public', 'kubeadm:bootstrap-signer-clusterinfo', 'kubeadm:bootstrap-signer-clusterinfo', [
      user('system:anonymous'),
    ]),
    configMap('kube-system', 'kubeadm-config', {
      ClusterConfiguration: clusterConfiguration(tcp, inputs.endpoint, inputs.etcdEndpoints),
    }),
    role('kube-system', 'kubeadm:nodes-kubeadm-config', [
      { apiGroups: [''], resources: ['configmaps'], resourceNames: ['kubeadm-config'], verbs: ['get'] },
    ]),
    roleBinding('kube-system', 'kubeadm:nodes-kubeadm-config', 'kubeadm:nodes-kubeadm-config', [bootstrappers, nodes]),
    configMap('kube-system', 'kubelet-config', { kubelet: kubeletConfig }),
    role('kube-system', 'kubeadm:kubelet-config', [
      { apiGroups: [''], resources: ['configmaps'], resourceNames: ['kubelet-config'], verbs: ['get'] },
    ]),
    roleBinding('kube-system', 'kubeadm:kubelet-config', 'kubeadm:kubelet-config', [nodes, bootstrappers]),
    clusterRole('kubeadm:get-nodes', [{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }]),
    clusterRoleBinding('kubeadm:get-nodes', 'kubeadm:get-nodes', [bootstrappers]),
    clusterRoleBinding('kubeadm:kubelet-bootstrap', 'system:node-bootstrapper', [bootstrappers]),
    clusterRoleBinding(
      'kubeadm:node-autoapprove-bootstrap',
      'system:certificates.k8s.io:certificatesigningrequests:nodeclient',
      [bootstrappers],
    ),
    clusterRoleBinding(
      'kubeadm:node-autoapprove-certificate-rotation',
      'system:certificates.k8s.io:certificatesigningrequests:selfnodeclient',
      [nodes],
    ),
    clusterRoleBinding('kubeadm:cluster-admins', 'cluster-admin', [group(CLUSTER_ADMINS_GROUP)]),
    ...konnectivityAgentObjects(tcp, inputs.endpoint),
    ...coreDNSObjects(tcp),
    ...kubeProxyObjects(tcp, inputs.server),
  ];
}
