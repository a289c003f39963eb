// Konnectivity: the egress selector configuration kube-apiserver reads when it is on (traffic to
// the cluster — nodes, pods, services — goes through the konnectivity server's Unix socket), and
// the agents in the tenant that the server tunnels through.
import type { KubernetesObject, V1ConfigMap } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { konnectivityVersionFor, type TenantControlPlane } from '../../apis/index.ts';
import { EGRESS_SELECTOR_FILE, KONNECTIVITY_SOCKET } from './deployment.ts';
import { mergeFlags } from './flags.ts';
import { TENANT_OBJECT_LABELS, egressSelectorConfigMapName, ownedMetadata } from './names.ts';
import { konnectivityPort, type Endpoint } from './service.ts';

export function egressSelectorConfiguration(): string {
  return stringify({
    apiVersion: 'apiserver.k8s.io/v1beta1',
    kind: 'EgressSelectorConfiguration',
    egressSelections: [
      {
        name: 'cluster',
        connection: { proxyProtocol: 'GRPC', transport: { uds: { udsName: KONNECTIVITY_SOCKET } } },
      },
    ],
  });
}

export function buildEgressSelectorConfigMap(tcp: TenantControlPlane): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: ownedMetadata(tcp, egressSelectorConfigMapName(tcp), 'konnectivity-egress-selector-configuration'),
    data: { [EGRESS_SELECTOR_FILE]: egressSelectorConfiguration() },
  };
}

export const KONNECTIVITY_AGENT = 'konnectivity-agent';
const AGENT_TOKEN_DIR = '/var/run/secrets/tokens';
const AGENT_TOKEN_FILE = 'konnectivity-agent-token';

/**
 * What runs in the tenant so the konnectivity server has agents to tunnel through: the agent's
 * ServiceAccount, the binding that lets the server review the agents' tokens, and the agent
 * DaemonSet (or Deployment) dialing the server at the control plane endpoint.
 */
export function konnectivityAgentObjects(tcp: TenantControlPlane, endpoint: Endpoint): KubernetesObject[] {
  const konnectivity = tcp.spec.addons?.konnectivity;
  if (!konnectivity) return [];
  const agent = konnectivity.agent;
  const labels = { ...TENANT_OBJECT_LABELS, 'k8s-app': KONNECTIVITY_AGENT };
  const host = tcp.spec.networkProfile?.advertiseAddress || endpoint.host;
  const port = konnectivityPort(tcp) ?? 8132;
  const args = mergeFlags({
    managed: {
      '--logtostderr': 'true',
      '--ca-cert': '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt',
      '--proxy-server-host': host,
      '--proxy-server-port': String(port),
      '--admin-server-port': '8133',
      '--health-server-port': '8134',
      '--service-account-token-path': `${AGENT_TOKEN_DIR}/${AGENT_TOKEN_FILE}`,
    },
    defaults: { '-v': '8' },
    user: agent?.extraArgs ?? [],
  });
  const podSpec = {
    priorityClassName: 'system-cluster-critical',
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    serviceAccountName: KONNECTIVITY_AGENT,
    tolerations: (agent?.tolerations ?? [{ key: 'CriticalAddonsOnly', operator: 'Exists' }]) as unknown as object[],
    ...(agent?.hostNetwork ? { hostNetwork: true } : {}),
    containers: [
      {
        name: KONNECTIVITY_AGENT,
        image: `${agent?.image ?? 'registry.k8s.io/kas-network-proxy/proxy-agent'}:${agent?.version ?? konnectivityVersionFor(tcp.spec.kubernetes.version) ?? ''}`,
        command: ['/proxy-agent'],
        args,
        livenessProbe: { httpGet: { path: '/healthz', port: 8134 }, initialDelaySeconds: 15, timeoutSeconds: 15 },
        volumeMounts: [{ name: AGENT_TOKEN_FILE, mountPath: AGENT_TOKEN_DIR }],
      },
    ],
    volumes: [
      {
        name: AGENT_TOKEN_FILE,
        projected: {
          sources: [{ serviceAccountToken: { path: AGENT_TOKEN_FILE, audience: 'system:konnectivity-server', expirationSeconds: 3600 } }],
        },
      },
    ],
  };
  const template = { metadata: { labels }, spec: podSpec };
  const metadata = { name: KONNECTIVITY_AGENT, namespace: 'kube-system', labels };
  const workload =
    agent?.mode === 'Deployment'
      ? { apiVersion: 'apps/v1', kind: 'Deployment', metadata, spec: { replicas: agent.replicas ?? 1, selector: { matchLabels: { 'k8s-app': KONNECTIVITY_AGENT } }, template } }
      : { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata, spec: { selector: { matchLabels: { 'k8s-app': KONNECTIVITY_AGENT } }, template } };
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: KONNECTIVITY_AGENT, namespace: 'kube-system', labels } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'system:konnectivity-server', labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'system:konnectivity-server' }],
    } as KubernetesObject,
    workload as KubernetesObject,
  ];
}
