// The CoreDNS and kube-proxy addons (spec.addons.coreDNS, spec.addons.kubeProxy): the objects
// `kubeadm init` installs for them, applied in the tenant by step 5. Pure builders.
import type { KubernetesObject } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import type { TenantControlPlane } from '../../apis/index.ts';
import { parseKubernetesVersion } from '../../apis/index.ts';
import { clusterDomain, podCidrs } from './certificates.ts';
import { TENANT_OBJECT_LABELS } from './names.ts';

const RBAC_GROUP = 'rbac.authorization.k8s.io';
const LABELS = TENANT_OBJECT_LABELS;

/** The CoreDNS version kubeadm installs with each Kubernetes minor (kubeadm's constants.CoreDNSVersion). */
const COREDNS_VERSIONS: Record<number, string> = { 30: 'v1.11.1', 31: 'v1.11.3', 32: 'v1.11.3', 33: 'v1.12.0' };

export function coreDNSImage(tcp: TenantControlPlane): string {
  const addon = tcp.spec.addons?.coreDNS;
  const minor = parseKubernetesVersion(tcp.spec.kubernetes.version)?.minor ?? 33;
  return `${addon?.imageRepository ?? 'registry.k8s.io/coredns'}/coredns:${addon?.imageTag ?? COREDNS_VERSIONS[minor] ?? 'v1.12.0'}`;
}

export function corefile(domain: string): string {
  return `.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes ${domain} in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30 {
       disable success ${domain}
       disable denial ${domain}
    }
    loop
    reload
    loadbalance
}
`;
}

export function coreDNSObjects(tcp: TenantControlPlane): KubernetesObject[] {
  if (!tcp.spec.addons?.coreDNS) return [];
  const dnsIPs = tcp.spec.networkProfile?.dnsServiceIPs ?? [];
  const appLabels = { ...LABELS, 'k8s-app': 'kube-dns' };
  const object = (value: object) => value as KubernetesObject;
  return [
    object({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'coredns', namespace: 'kube-system', labels: LABELS } }),
    object({
      apiVersion: `${RBAC_GROUP}/v1`,
      kind: 'ClusterRole',
      metadata: { name: 'system:coredns', labels: LABELS },
      rules: [
        { apiGroups: [''], resources: ['endpoints', 'services', 'pods', 'namespaces'], verbs: ['list', 'watch'] },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
      ],
    }),
    object({
      apiVersion: `${RBAC_GROUP}/v1`,
      kind: 'ClusterRoleBinding',
      metadata: { name: 'system:coredns', labels: LABELS },
      roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: 'system:coredns' },
      subjects: [{ kind: 'ServiceAccount', name: 'coredns', namespace: 'kube-system' }],
    }),
    object({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'coredns', namespace: 'kube-system', labels: LABELS },
      data: { Corefile: corefile(clusterDomain(tcp)) },
    }),
    object({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'coredns', namespace: 'kube-system', labels: appLabels },
      spec: {
        replicas: 2,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
        selector: { matchLabels: { 'k8s-app': 'kube-dns' } },
        template: {
          metadata: { labels: appLabels },
          spec: {
            priorityClassName: 'system-cluster-critical',
            serviceAccountName: 'coredns',
            dnsPolicy: 'Default',
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            tolerations: [
              { key: 'CriticalAddonsOnly', operator: 'Exists' },
              { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
            ],
            containers: [
              {
                name: 'coredns',
                image: coreDNSImage(tcp),
                imagePullPolicy: 'IfNotPresent',
                args: ['-conf', '/etc/coredns/Corefile'],
                resources: { limits: { memory: '170Mi' }, requests: { cpu: '100m', memory: '70Mi' } },
                ports: [
                  { name: 'dns', containerPort: 53, protocol: 'UDP' },
                  { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
                  { name: 'metrics', containerPort: 9153, protocol: 'TCP' },
                ],
                livenessProbe: { httpGet: { path: '/health', port: 8080, scheme: 'HTTP' }, initialDelaySeconds: 60, timeoutSeconds: 5, failureThreshold: 5 },
                readinessProbe: { httpGet: { path: '/ready', port: 8181, scheme: 'HTTP' } },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] },
                  readOnlyRootFilesystem: true,
                },
                volumeMounts: [{ name: 'config-volume', mountPath: '/etc/coredns', readOnly: true }],
              },
            ],
            volumes: [{ name: 'config-volume', configMap: { name: 'coredns', items: [{ key: 'Corefile', path: 'Corefile' }] } }],
          },
        },
      },
    }),
    object({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'kube-dns',
        namespace: 'kube-system',
        labels: { ...appLabels, 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' },
        annotations: { 'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true' },
      },
      spec: {
        selector: { 'k8s-app': 'kube-dns' },
        ...(dnsIPs[0] ? { clusterIP: dnsIPs[0] } : {}),
        ...(dnsIPs.length > 1 ? { clusterIPs: dnsIPs, ipFamilyPolicy: 'PreferDualStack' } : {}),
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
          { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
          { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
        ],
      },
    }),
  ];
}

export function kubeProxyImage(tcp: TenantControlPlane): string {
  const addon = tcp.spec.addons?.kubeProxy;
  return `${addon?.imageRepository ?? 'registry.k8s.io'}/kube-proxy:${addon?.imageTag ?? tcp.spec.kubernetes.version}`;
}

/** kube-proxy's kubeconfig: the endpoint, with the pod's ServiceAccount token and CA. */
export function kubeProxyKubeconfig(server: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ cluster: { 'certificate-authority': '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt', server }, name: 'default' }],
    contexts: [{ context: { cluster: 'default', namespace: 'default', user: 'default' }, name: 'default' }],
    'current-context': 'default',
    users: [{ name: 'default', user: { tokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token' } }],
  });
}

export function kubeProxyObjects(tcp: TenantControlPlane, server: string): KubernetesObject[] {
  if (!tcp.spec.addons?.kubeProxy) return [];
  const appLabels = { ...LABELS, 'k8s-app': 'kube-proxy' };
  const config = stringify({
    apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
    kind: 'KubeProxyConfiguration',
    bindAddress: '0.0.0.0',
    clientConnection: { kubeconfig: '/var/lib/kube-proxy/kubeconfig.conf' },
    clusterCIDR: podCidrs(tcp).join(','),
    mode: '',
  });
  const object = (value: object) => value as KubernetesObject;
  return [
    object({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'kube-proxy', namespace: 'kube-system', labels: LABELS } }),
    object({
      apiVersion: `${RBAC_GROUP}/v1`,
      kind: 'ClusterRoleBinding',
      metadata: { name: 'kubeadm:node-proxier', labels: LABELS },
      roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: 'system:node-proxier' },
      subjects: [{ kind: 'ServiceAccount', name: 'kube-proxy', namespace: 'kube-system' }],
    }),
    object({
      apiVersion: `${RBAC_GROUP}/v1`,
      kind: 'Role',
      metadata: { name: 'kube-proxy', namespace: 'kube-system', labels: LABELS },
      rules: [{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['kube-proxy'], verbs: ['get'] }],
    }),
    object({
      apiVersion: `${RBAC_GROUP}/v1`,
      kind: 'RoleBinding',
      metadata: { name: 'kube-proxy', namespace: 'kube-system', labels: LABELS },
      roleRef: { apiGroup: RBAC_GROUP, kind: 'Role', name: 'kube-proxy' },
      subjects: [{ apiGroup: RBAC_GROUP, kind: 'Group', name: 'system:bootstrappers:kubeadm:default-node-token' }],
    }),
    object({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'kube-proxy', namespace: 'kube-system', labels: appLabels },
      data: { 'config.conf': config, 'kubeconfig.conf': kubeProxyKubeconfig(server) },
    }),
    object({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'kube-proxy', namespace: 'kube-system', labels: appLabels },
      spec: {
        selector: { matchLabels: { 'k8s-app': 'kube-proxy' } },
        updateStrategy: { type: 'RollingUpdate' },
        template: {
          metadata: { labels: appLabels },
          spec: {
            priorityClassName: 'system-node-critical',
            serviceAccountName: 'kube-proxy',
            hostNetwork: true,
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            tolerations: [{ operator: 'Exists' }],
            containers: [
              {
                name: 'kube-proxy',
                image: kubeProxyImage(tcp),
                imagePullPolicy: 'IfNotPresent',
                command: ['/usr/local/bin/kube-proxy', '--config=/var/lib/kube-proxy/config.conf', '--hostname-override=$(NODE_NAME)'],
                env: [{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
                securityContext: { privileged: true },
                volumeMounts: [
                  { name: 'kube-proxy', mountPath: '/var/lib/kube-proxy' },
                  { name: 'xtables-lock', mountPath: '/run/xtables.lock' },
                  { name: 'lib-modules', mountPath: '/lib/modules', readOnly: true },
                ],
              },
            ],
            volumes: [
              { name: 'kube-proxy', configMap: { name: 'kube-proxy' } },
              { name: 'xtables-lock', hostPath: { path: '/run/xtables.lock', type: 'FileOrCreate' } },
              { name: 'lib-modules', hostPath: { path: '/lib/modules' } },
            ],
          },
        },
      },
    }),
  ];
}
