// Step 4: the control plane Deployment `<tcp>`: kube-apiserver, kube-scheduler and
// kube-controller-manager, plus kine (SQL DataStores) and konnectivity-server (when the addon is
// set), shaped as Kamaji's builder shapes them (kamaji-features.md §3.4). A pure function of the
// tcp and its inputs.
import type {
  V1Affinity,
  V1Container,
  V1Deployment,
  V1DeploymentStrategy,
  V1PodSecurityContext,
  V1Probe,
  V1ResourceRequirements,
  V1SecurityContext,
  V1Toleration,
  V1TopologySpreadConstraint,
  V1Volume,
  V1VolumeMount,
  V1VolumeProjection,
} from '@kubernetes/client-node';
import type { DataStoreDriver, TenantControlPlane } from '../../apis/index.ts';
import { konnectivityVersionFor } from '../../apis/index.ts';
import { clusterDomain, podCidrs, serviceCidrs } from './certificates.ts';
import { mergeFlags } from './flags.ts';
import { LABEL_NAME, egressSelectorConfigMapName, ownedMetadata, secretName, type SecretPurpose } from './names.ts';
import { apiServerPort, konnectivityPort } from './service.ts';

export const PKI_DIR = '/etc/kubernetes/pki';
export const KINE_SOCKET = 'unix:///uds/kine';
export const KONNECTIVITY_SOCKET = '/run/konnectivity/konnectivity-server.socket';
export const EGRESS_SELECTOR_DIR = '/etc/kubernetes/konnectivity/configurations';
export const EGRESS_SELECTOR_FILE = 'egress-selector-configuration.yaml';
export const DEFAULT_IMAGE_PULL_POLICY = 'IfNotPresent';
/** Pod annotations holding the checksum of each Secret, so a changed Secret rolls the pods. */
export const CHECKSUM_ANNOTATION_PREFIX = 'checksum.kamaji.clastix.io/';

export interface DeploymentInputs {
  driver: DataStoreDriver;
  /** Bare host:port endpoints of the DataStore. */
  dataStoreEndpoints: string[];
  /** SQL drivers: the DataStore has a CA (kine verifies the server) / a client certificate. */
  dataStoreTls: { certificateAuthority: boolean; clientCertificate: boolean };
  /** --advertise-address; left out when the endpoint is a host name and none was pinned. */
  advertiseAddress?: string;
  /** Checksums of the Secrets (and ConfigMaps) the pods mount, by name. */
  checksums: Record<string, string>;
  kineImage: string;
  imagePullPolicy?: string;
}

type Spec = TenantControlPlane['spec'];
type DeploymentSpec = NonNullable<Spec['controlPlane']['deployment']>;
type ProbeTiming = NonNullable<NonNullable<DeploymentSpec['probes']>['liveness']>;
type Component = 'apiServer' | 'controllerManager' | 'scheduler';

const pki = (file: string) => `${PKI_DIR}/${file}`;

export function image(tcp: TenantControlPlane, component: Component): string {
  const settings = tcp.spec.controlPlane.deployment?.registrySettings;
  const names: Record<Component, string> = {
    apiServer: settings?.apiServerImage ?? 'kube-apiserver',
    controllerManager: settings?.controllerManagerImage ?? 'kube-controller-manager',
    scheduler: settings?.schedulerImage ?? 'kube-scheduler',
  };
  return `${settings?.registry ?? 'registry.k8s.io'}/${names[component]}:${tcp.spec.kubernetes.version}${settings?.tagSuffix ?? ''}`;
}

export function usesKine(driver: DataStoreDriver): boolean {
  return driver !== 'etcd';
}

function probe(path: string, port: number, scheme: 'HTTP' | 'HTTPS', timing: ProbeTiming): V1Probe {
  return {
    httpGet: { path, port, scheme },
    initialDelaySeconds: timing.initialDelaySeconds ?? 0,
    timeoutSeconds: timing.timeoutSeconds ?? 1,
    periodSeconds: timing.periodSeconds ?? 10,
    successThreshold: timing.successThreshold ?? 1,
    failureThreshold: timing.failureThreshold ?? 3,
  };
}

/** A per-component probe setting wins over the global one, field by field. */
function probeTiming(tcp: TenantControlPlane, component: Component, kind: 'liveness' | 'readiness' | 'startup'): ProbeTiming {
  const probes = tcp.spec.controlPlane.deployment?.probes;
  return { ...probes?.[kind], ...probes?.[component]?.[kind] };
}

function componentProbes(tcp: TenantControlPlane, component: Component, path: string, port: number) {
  return {
    livenessProbe: probe(path, port, 'HTTPS', probeTiming(tcp, component, 'liveness')),
    startupProbe: probe(path, port, 'HTTPS', probeTiming(tcp, component, 'startup')),
  };
}

export function apiServerArgs(tcp: TenantControlPlane, inputs: DeploymentInputs): string[] {
  const spec = tcp.spec;
  const port = apiServerPort(tcp);
  const managed: Record<string, string> = {
    '--client-ca-file': pki('ca.crt'),
    '--enable-admission-plugins': (spec.kubernetes.admissionControllers ?? []).join(','),
    '--service-cluster-ip-range': serviceCidrs(tcp).join(','),
    '--kubelet-client-certificate': pki('apiserver-kubelet-client.crt'),
    '--kubelet-client-key': pki('apiserver-kubelet-client.key'),
    '--kubelet-preferred-address-types': (
      spec.kubernetes.kubelet.preferredAddressTypes ?? ['InternalIP', 'ExternalIP', 'Hostname']
    ).join(','),
    '--proxy-client-cert-file': pki('front-proxy-client.crt'),
    '--proxy-client-key-file': pki('front-proxy-client.key'),
    '--requestheader-allowed-names': 'front-proxy-client',
    '--requestheader-client-ca-file': pki('front-proxy-ca.crt'),
    '--secure-port': String(port),
    '--service-account-key-file': pki('sa.pub'),
    '--service-account-signing-key-file': pki('sa.key'),
    '--tls-cert-file': pki('apiserver.crt'),
    '--tls-private-key-file': pki('apiserver.key'),
  };
  if (inputs.advertiseAddress) managed['--advertise-address'] = inputs.advertiseAddress;
  if (usesKine(inputs.driver)) {
    managed['--etcd-servers'] = KINE_SOCKET;
  } else {
    managed['--etcd-servers'] = inputs.dataStoreEndpoints.map((endpoint) => `https://${endpoint}`).join(',');
    managed['--etcd-prefix'] = `/${spec.dataStoreSchema ?? ''}`;
    // The etcd is shared by tenants (and maybe more): compaction is its operator's business.
    managed['--etcd-compaction-interval'] = '0';
    managed['--etcd-cafile'] = pki('etcd/ca.crt');
    managed['--etcd-certfile'] = pki('etcd/server.crt');
    managed['--etcd-keyfile'] = pki('etcd/server.key');
  }
  if (spec.addons?.konnectivity) managed['--egress-selector-config-file'] = `${EGRESS_SELECTOR_DIR}/${EGRESS_SELECTOR_FILE}`;
  return mergeFlags({
    managed,
    defaults: {
      '--allow-privileged': 'true',
      '--authorization-mode': 'Node,RBAC',
      '--enable-bootstrap-token-auth': 'true',
      '--requestheader-extra-headers-prefix': 'X-Remote-Extra-',
      '--requestheader-group-headers': 'X-Remote-Group',
      '--requestheader-username-headers': 'X-Remote-User',
      '--service-account-issuer': `https://kubernetes.default.svc.${clusterDomain(tcp)}`,
    },
    user: spec.controlPlane.deployment?.extraArgs?.apiServer ?? [],
    dropDefaultsWhenUserSets: { '--authorization-mode': ['--authorization-config'] },
  });
}

export function schedulerArgs(tcp: TenantControlPlane): string[] {
  const kubeconfig = '/etc/kubernetes/scheduler.conf';
  return mergeFlags({
    managed: {
      '--authentication-kubeconfig': kubeconfig,
      '--authorization-kubeconfig': kubeconfig,
      '--bind-address': '0.0.0.0',
      '--kubeconfig': kubeconfig,
      '--leader-elect': 'true',
    },
    user: tcp.spec.controlPlane.deployment?.extraArgs?.scheduler ?? [],
  });
}

export function controllerManagerArgs(tcp: TenantControlPlane): string[] {
  const kubeconfig = '/etc/kubernetes/controller-manager.conf';
  return mergeFlags({
    managed: {},
    defaults: {
      '--allocate-node-cidrs': 'true',
      '--authentication-kubeconfig': kubeconfig,
      '--authorization-kubeconfig': kubeconfig,
      '--bind-address': '0.0.0.0',
      '--client-ca-file': pki('ca.crt'),
      '--cluster-cidr': podCidrs(tcp).join(','),
      '--cluster-name': tcp.metadata.name ?? '',
      '--cluster-signing-cert-file': pki('ca.crt'),
      '--cluster-signing-key-file': pki('ca.key'),
      '--controllers': '*,bootstrapsigner,tokencleaner',
      '--kubeconfig': kubeconfig,
      '--leader-elect': 'true',
      '--requestheader-client-ca-file': pki('front-proxy-ca.crt'),
      '--root-ca-file': pki('ca.crt'),
      '--service-account-private-key-file': pki('sa.key'),
      '--service-cluster-ip-range': serviceCidrs(tcp).join(','),
      '--use-service-account-credentials': 'true',
    },
    user: tcp.spec.controlPlane.deployment?.extraArgs?.controllerManager ?? [],
  });
}

/** kine's --endpoint, with the credentials expanded by the kubelet from the datastore-config Secret. */
export function kineEndpoint(driver: DataStoreDriver): string {
  return driver === 'MySQL'
    ? 'mysql://$(DB_USER):$(DB_PASSWORD)@tcp($(DB_CONNECTION_STRING))/$(DB_SCHEMA)'
    : 'postgres://$(DB_USER):$(DB_PASSWORD)@$(DB_CONNECTION_STRING)/$(DB_SCHEMA)';
}

export function kineArgs(tcp: TenantControlPlane, inputs: DeploymentInputs): string[] {
  const managed: Record<string, string> = {
    '--listen-address': KINE_SOCKET,
    '--endpoint': kineEndpoint(inputs.driver),
  };
  if (inputs.dataStoreTls.certificateAuthority) managed['--ca-file'] = '/certs/ca.crt';
  if (inputs.dataStoreTls.clientCertificate) {
    managed['--cert-file'] = '/certs/server.crt';
    managed['--key-file'] = '/certs/server.key';
  }
  return mergeFlags({ managed, user: tcp.spec.controlPlane.deployment?.extraArgs?.kine ?? [] });
}

export function konnectivityServerArgs(tcp: TenantControlPlane): string[] {
  const server = tcp.spec.addons?.konnectivity?.server;
  return mergeFlags({
    managed: {
      '--uds-name': KONNECTIVITY_SOCKET,
      '--cluster-cert': pki('apiserver.crt'),
      '--cluster-key': pki('apiserver.key'),
      '--mode': 'grpc',
      '--server-port': '0',
      '--agent-port': String(konnectivityPort(tcp) ?? 8132),
      '--admin-port': '8133',
      '--health-port': '8134',
      '--agent-namespace': 'kube-system',
      '--agent-service-account': 'konnectivity-agent',
      '--kubeconfig': '/etc/kubernetes/konnectivity-server.conf',
      '--authentication-audience': 'system:konnectivity-server',
      '--server-count': String(tcp.spec.controlPlane.deployment?.replicas ?? 2),
    },
    user: server?.extraArgs ?? [],
  });
}

function secretVolume(tcp: TenantControlPlane, volumeName: string, purpose: SecretPurpose, items?: [string, string][]): V1Volume {
  return {
    name: volumeName,
    secret: {
      secretName: secretName(tcp, purpose),
      defaultMode: 0o644,
      ...(items ? { items: items.map(([key, path]) => ({ key, path })) } : {}),
    },
  };
}

function pkiVolume(tcp: TenantControlPlane, driver: DataStoreDriver): V1Volume {
  const project = (purpose: SecretPurpose, files: string[], prefix = ''): V1VolumeProjection => ({
    secret: { name: secretName(tcp, purpose), items: files.map((file) => ({ key: file, path: `${prefix}${file}` })) },
  });
  const sources: V1VolumeProjection[] = [
    project('ca', ['ca.crt', 'ca.key']),
    project('apiServer', ['apiserver.crt', 'apiserver.key']),
    project('apiServerKubeletClient', ['apiserver-kubelet-client.crt', 'apiserver-kubelet-client.key']),
    project('frontProxyCA', ['front-proxy-ca.crt', 'front-proxy-ca.key']),
    project('frontProxyClient', ['front-proxy-client.crt', 'front-proxy-client.key']),
    project('sa', ['sa.pub', 'sa.key']),
  ];
  if (!usesKine(driver)) sources.push(project('datastoreCertificate', ['ca.crt', 'server.crt', 'server.key'], 'etcd/'));
  return { name: 'etc-kubernetes-pki', projected: { sources, defaultMode: 0o644 } };
}

/** The tenant CA certificate in the system trust locations (only the certificate, never the key). */
const CA_TRUST_MOUNTS: [string, string][] = [
  ['etc-ca-certificates', '/etc/ca-certificates'],
  ['usr-share-ca-certificates', '/usr/share/ca-certificates'],
  ['usr-local-share-ca-certificates', '/usr/local/share/ca-certificates'],
];

function caTrustMounts(): V1VolumeMount[] {
  return CA_TRUST_MOUNTS.map(([name, mountPath]) => ({ name, mountPath, readOnly: true }));
}

function pkiMount(): V1VolumeMount {
  return { name: 'etc-kubernetes-pki', mountPath: PKI_DIR, readOnly: true };
}

function asResources(value: unknown): V1ResourceRequirements | undefined {
  return value ? (value as V1ResourceRequirements) : undefined;
}

function asSecurityContext(value: unknown): V1SecurityContext | undefined {
  return value ? (value as V1SecurityContext) : undefined;
}

export function buildDeployment(tcp: TenantControlPlane, inputs: DeploymentInputs): V1Deployment {
  const deployment: DeploymentSpec = tcp.spec.controlPlane.deployment ?? {};
  const name = tcp.metadata.name ?? '';
  const port = apiServerPort(tcp);
  const pullPolicy = inputs.imagePullPolicy ?? DEFAULT_IMAGE_PULL_POLICY;
  const kine = usesKine(inputs.driver);
  const konnectivity = tcp.spec.addons?.konnectivity;
  const extraMounts = (component: Component) =>
    (deployment.additionalVolumeMounts?.[component] ?? []) as unknown as V1VolumeMount[];

  const apiServer: V1Container = {
    name: 'kube-apiserver',
    image: image(tcp, 'apiServer'),
    imagePullPolicy: pullPolicy,
    command: ['kube-apiserver'],
    args: apiServerArgs(tcp, inputs),
    ...componentProbes(tcp, 'apiServer', '/livez', port),
    readinessProbe: probe('/readyz', port, 'HTTPS', probeTiming(tcp, 'apiServer', 'readiness')),
    ports: [{ name: 'kube-apiserver', containerPort: port, protocol: 'TCP' }],
    volumeMounts: [
      pkiMount(),
      ...caTrustMounts(),
      ...(kine ? [{ name: 'kine-uds', mountPath: '/uds' }] : []),
      ...(konnectivity
        ? [
            { name: 'konnectivity-uds', mountPath: '/run/konnectivity' },
            { name: 'egress-selector-configuration', mountPath: EGRESS_SELECTOR_DIR, readOnly: true },
          ]
        : []),
      ...extraMounts('apiServer'),
    ],
    ...optional('resources', asResources(deployment.resources?.apiServer)),
    ...optional('securityContext', asSecurityContext(deployment.containerSecurityContexts?.apiServer)),
    terminationMessagePolicy: 'FallbackToLogsOnError',
  };

  const scheduler: V1Container = {
    name: 'kube-scheduler',
    image: image(tcp, 'scheduler'),
    imagePullPolicy: pullPolicy,
    command: ['kube-scheduler'],
    args: schedulerArgs(tcp),
    ...componentProbes(tcp, 'scheduler', '/healthz', 10259),
    volumeMounts: [
      { name: 'scheduler-kubeconfig', mountPath: '/etc/kubernetes', readOnly: true },
      ...extraMounts('scheduler'),
    ],
    ...optional('resources', asResources(deployment.resources?.scheduler)),
    ...optional('securityContext', asSecurityContext(deployment.containerSecurityContexts?.scheduler)),
    terminationMessagePolicy: 'FallbackToLogsOnError',
  };

  const controllerManager: V1Container = {
    name: 'kube-controller-manager',
    image: image(tcp, 'controllerManager'),
    imagePullPolicy: pullPolicy,
    command: ['kube-controller-manager'],
    args: controllerManagerArgs(tcp),
    ...componentProbes(tcp, 'controllerManager', '/healthz', 10257),
    volumeMounts: [
      pkiMount(),
      ...caTrustMounts(),
      { name: 'controller-manager-kubeconfig', mountPath: '/etc/kubernetes', readOnly: true },
      ...extraMounts('controllerManager'),
    ],
    ...optional('resources', asResources(deployment.resources?.controllerManager)),
    ...optional('securityContext', asSecurityContext(deployment.containerSecurityContexts?.controllerManager)),
    terminationMessagePolicy: 'FallbackToLogsOnError',
  };

  const containers: V1Container[] = [
    ...((deployment.additionalContainers ?? []) as unknown as V1Container[]),
    apiServer,
    scheduler,
    controllerManager,
  ];
  const volumes: V1Volume[] = [
    ...((deployment.additionalVolumes ?? []) as unknown as V1Volume[]),
    pkiVolume(tcp, inputs.driver),
    ...CA_TRUST_MOUNTS.map(([volumeName]) => secretVolume(tcp, volumeName, 'ca', [['ca.crt', 'ca.crt']])),
    secretVolume(tcp, 'scheduler-kubeconfig', 'schedulerKubeconfig'),
    secretVolume(tcp, 'controller-manager-kubeconfig', 'controllerManagerKubeconfig'),
  ];

  if (kine) {
    const tls = inputs.dataStoreTls.certificateAuthority || inputs.dataStoreTls.clientCertificate;
    containers.push({
      name: 'kine',
      image: inputs.kineImage,
      imagePullPolicy: pullPolicy,
      command: ['/bin/kine'],
      args: kineArgs(tcp, inputs),
      env: [{ name: 'GODEBUG', value: 'x509ignoreCN=0' }],
      envFrom: [{ secretRef: { name: secretName(tcp, 'datastoreConfig') } }],
      ports: [{ name: 'server', containerPort: 2379, protocol: 'TCP' }],
      volumeMounts: [{ name: 'kine-uds', mountPath: '/uds' }, ...(tls ? [{ name: 'kine-certs', mountPath: '/certs', readOnly: true }] : [])],
      ...optional('resources', asResources(deployment.resources?.kine)),
      terminationMessagePolicy: 'FallbackToLogsOnError',
    });
    volumes.push({ name: 'kine-uds', emptyDir: { medium: 'Memory' } });
    // Mode 0600: PostgreSQL clients refuse a key others can read (Kamaji copies with an init container).
    if (tls) volumes.push({ name: 'kine-certs', secret: { secretName: secretName(tcp, 'datastoreCertificate'), defaultMode: 0o600 } });
  }

  if (konnectivity) {
    const server = konnectivity.server;
    const agentPort = konnectivityPort(tcp) ?? 8132;
    containers.push({
      name: 'konnectivity-server',
      image: `${server?.image ?? 'registry.k8s.io/kas-network-proxy/proxy-server'}:${server?.version ?? konnectivityVersionFor(tcp.spec.kubernetes.version) ?? ''}`,
      imagePullPolicy: pullPolicy,
      command: ['/proxy-server'],
      args: konnectivityServerArgs(tcp),
      livenessProbe: probe('/healthz', 8134, 'HTTP', { initialDelaySeconds: 30, timeoutSeconds: 60, failureThreshold: 3 }),
      ports: [
        { name: 'agentport', containerPort: agentPort, protocol: 'TCP' },
        { name: 'adminport', containerPort: 8133, protocol: 'TCP' },
        { name: 'healthport', containerPort: 8134, protocol: 'TCP' },
      ],
      volumeMounts: [
        pkiMount(),
        { name: 'konnectivity-server-kubeconfig', mountPath: '/etc/kubernetes', readOnly: true },
        { name: 'konnectivity-uds', mountPath: '/run/konnectivity' },
      ],
      ...optional('resources', asResources(server?.resources)),
      ...optional('securityContext', asSecurityContext(server?.securityContext)),
      terminationMessagePolicy: 'FallbackToLogsOnError',
    });
    volumes.push(
      { name: 'konnectivity-uds', emptyDir: { medium: 'Memory' } },
      { name: 'egress-selector-configuration', configMap: { name: egressSelectorConfigMapName(tcp), defaultMode: 0o644 } },
      secretVolume(tcp, 'konnectivity-server-kubeconfig', 'konnectivityKubeconfig'),
    );
  }

  const selector = { [LABEL_NAME]: name };
  const metadata = ownedMetadata(tcp, name, 'deployment');
  const podAnnotations: Record<string, string> = { ...deployment.podAdditionalMetadata?.annotations };
  for (const [objectName, sum] of Object.entries(inputs.checksums).sort(([a], [b]) => (a < b ? -1 : 1))) {
    podAnnotations[`${CHECKSUM_ANNOTATION_PREFIX}${objectName.slice(name.length + 1)}`] = sum;
  }

  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      ...metadata,
      labels: { ...deployment.additionalMetadata?.labels, ...metadata.labels },
      ...(deployment.additionalMetadata?.annotations ? { annotations: { ...deployment.additionalMetadata.annotations } } : {}),
    },
    spec: {
      replicas: deployment.replicas ?? 2,
      selector: { matchLabels: selector },
      strategy: strategy(deployment.strategy),
      template: {
        metadata: {
          labels: { ...deployment.podAdditionalMetadata?.labels, ...metadata.labels },
          annotations: podAnnotations,
        },
        spec: {
          containers,
          volumes,
          serviceAccountName: deployment.serviceAccountName ?? 'default',
          ...optional('automountServiceAccountToken', deployment.automountServiceAccountToken),
          ...optional('initContainers', nonEmpty(deployment.additionalInitContainers as unknown as V1Container[] | undefined)),
          ...optional('nodeSelector', deployment.nodeSelector),
          ...optional('runtimeClassName', deployment.runtimeClassName),
          ...optional('tolerations', nonEmpty(deployment.tolerations as unknown as V1Toleration[] | undefined)),
          ...optional('affinity', deployment.affinity as unknown as V1Affinity | undefined),
          ...optional('securityContext', deployment.podSecurityContext as unknown as V1PodSecurityContext | undefined),
          ...optional(
            'topologySpreadConstraints',
            nonEmpty(
              (deployment.topologySpreadConstraints as { labelSelector?: unknown }[] | undefined)?.map((constraint) => ({
                ...constraint,
                labelSelector: constraint.labelSelector ?? { matchLabels: selector },
              })) as unknown as V1TopologySpreadConstraint[] | undefined,
            ),
          ),
        },
      },
    },
  };
}

/** Blue/green by default: a full new set of pods before any old one goes. */
export function strategy(requested: DeploymentSpec['strategy']): V1DeploymentStrategy {
  if (requested?.type === 'Recreate') return { type: 'Recreate' };
  return {
    type: 'RollingUpdate',
    rollingUpdate: {
      maxSurge: requested?.rollingUpdate?.maxSurge ?? '100%',
      maxUnavailable: requested?.rollingUpdate?.maxUnavailable ?? 0,
    },
  };
}

function optional<K extends string, V>(key: K, value: V | undefined | null): { [P in K]?: V } {
  return value === undefined || value === null ? {} : ({ [key]: value } as { [P in K]: V });
}

function nonEmpty<T>(items: T[] | undefined): T[] | undefined {
  return items && items.length > 0 ? items : undefined;
}
