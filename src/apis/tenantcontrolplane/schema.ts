// The TenantControlPlane schema, with Kamaji's field names (api/v1alpha1/tenantcontrolplane_types.go).
// Upstream core types that Kamaji embeds whole (Container, Volume, VolumeMount, Affinity, Toleration,
// TopologySpreadConstraint, SecurityContext, PodSecurityContext, Gateway API route status) are kept
// with `x-kubernetes-preserve-unknown-fields`: the workload API validates them when the controllers
// apply the Deployment. Everything Kamaji defines itself, and the small upstream types
// (ResourceRequirements, DeploymentStrategy, ParentReference, Deployment/Service status) is spelled out.
import {
  array,
  boolean,
  dateTime,
  int32,
  int64,
  intOrString,
  map,
  object,
  preserved,
  string,
} from '../schema/builders.ts';
import { additionalMetadata, conditions, resourceRequirements, resourceSchema } from '../schema/common.ts';

/** Every admission plugin Kamaji accepts in `spec.kubernetes.admissionControllers`. */
export const admissionControllerNames = [
  'AlwaysAdmit',
  'AlwaysDeny',
  'AlwaysPullImages',
  'CertificateApproval',
  'CertificateSigning',
  'CertificateSubjectRestriction',
  'DefaultIngressClass',
  'DefaultStorageClass',
  'DefaultTolerationSeconds',
  'DenyEscalatingExec',
  'DenyExecOnPrivileged',
  'DenyServiceExternalIPs',
  'EventRateLimit',
  'ExtendedResourceToleration',
  'ImagePolicyWebhook',
  'LimitPodHardAntiAffinityTopology',
  'LimitRanger',
  'MutatingAdmissionWebhook',
  'NamespaceAutoProvision',
  'NamespaceExists',
  'NamespaceLifecycle',
  'NodeRestriction',
  'OwnerReferencesPermissionEnforcement',
  'PersistentVolumeClaimResize',
  'PersistentVolumeLabel',
  'PodNodeSelector',
  'PodSecurity',
  'PodSecurityPolicy',
  'PodTolerationRestriction',
  'Priority',
  'ResourceQuota',
  'RuntimeClass',
  'SecurityContextDeny',
  'ServiceAccount',
  'StorageObjectInUseProtection',
  'TaintNodesByCondition',
  'ValidatingAdmissionWebhook',
] as const;

export const defaultAdmissionControllers = [
  'CertificateApproval',
  'CertificateSigning',
  'CertificateSubjectRestriction',
  'DefaultIngressClass',
  'DefaultStorageClass',
  'DefaultTolerationSeconds',
  'LimitRanger',
  'MutatingAdmissionWebhook',
  'NamespaceLifecycle',
  'PersistentVolumeClaimResize',
  'Priority',
  'ResourceQuota',
  'RuntimeClass',
  'ServiceAccount',
  'StorageObjectInUseProtection',
  'TaintNodesByCondition',
  'ValidatingAdmissionWebhook',
] as const;

export const versionStatuses = [
  'Unknown',
  'Provisioning',
  'CertificateAuthorityRotating',
  'Upgrading',
  'Migrating',
  'Ready',
  'NotReady',
  'Sleeping',
  'WriteLimited',
] as const;

/** SQL databases and users are named by these: valid unquoted in PostgreSQL and MySQL, and as an etcd prefix. */
const sqlIdentifierPattern = '^[a-z_][a-z0-9_]*$';

const perComponent = <const V extends Parameters<typeof object>[1][string]>(what: string, value: V) =>
  object(`${what} for each control plane component.`, {
    apiServer: value,
    controllerManager: value,
    scheduler: value,
  });

const probeSpec = object('Probe timing overrides, applied to the generated probe.', {
  failureThreshold: int32('Consecutive failures for the probe to be considered failed.', { minimum: 1 }),
  initialDelaySeconds: int32('Seconds after the container started before the probe runs.', { minimum: 0 }),
  periodSeconds: int32('How often, in seconds, to perform the probe.', { minimum: 1 }),
  successThreshold: int32('Consecutive successes for the probe to be considered successful.', { minimum: 1 }),
  timeoutSeconds: int32('Seconds after which the probe times out.', { minimum: 1 }),
});

const probeSet = object('Probe overrides for one component; they win over the global ones.', {
  liveness: probeSpec,
  readiness: probeSpec,
  startup: probeSpec,
});

const secretStatus = object('A generated Secret and the checksum of its inputs.', {
  checksum: string('Checksum of the inputs the Secret was generated from.'),
  lastUpdate: dateTime('Last time the Secret was written.'),
  secretName: string('Name of the Secret in the TenantControlPlane namespace.'),
});

const namedObjectStatus = object('A generated object.', {
  checksum: string('Checksum of the inputs the object was generated from.'),
  lastUpdate: dateTime('Last time the object was written.'),
  name: string('Name of the object.'),
  namespace: string('Namespace of the object.'),
});

const addonSpec = (name: string) =>
  object(`Enables the ${name} addon; leaving it out disables it and removes what it installed.`, {
    imageRepository: string('Image repository; defaults to registry.k8s.io.'),
    imageTag: string('Image tag; defaults to the one matching spec.kubernetes.version.'),
  });

const addonStatus = object('Whether the addon is installed.', {
  enabled: boolean('True when the addon is installed in the tenant cluster.'),
  lastUpdate: dateTime('Last time the addon was reconciled.'),
});

const loadBalancerStatus = object('The load balancer in front of the object, once provisioned.', {
  ingress: array(
    'Ingress points of the load balancer.',
    object('One ingress point.', {
      hostname: string('Hostname of a DNS-based ingress point.'),
      ip: string('IP of an IP-based ingress point.'),
      ipMode: string('How traffic reaches the ingress point: VIP or Proxy.'),
      ports: array(
        'Ports of the ingress point.',
        object(
          'A port status.',
          {
            error: string('Error of the port, if any.'),
            port: int32('Port number.'),
            protocol: string('Protocol of the port.', { enum: ['TCP', 'UDP', 'SCTP'] }),
          },
          { required: ['port', 'protocol'] },
        ),
        { 'x-kubernetes-list-type': 'atomic' },
      ),
    }),
    { 'x-kubernetes-list-type': 'atomic' },
  ),
});

const spec = object(
  'TenantControlPlaneSpec defines the desired state of a tenant control plane.',
  {
    writePermissions: object('Blocks write operations on the tenant cluster (status WriteLimited).', {
      blockCreation: boolean('Denies create requests in the tenant cluster.', { default: false }),
      blockDeletion: boolean('Denies delete requests in the tenant cluster.', { default: false }),
      blockUpdate: boolean('Denies update requests in the tenant cluster.', { default: false }),
    }),
    dataStore: string(
      'Name of the cluster-scoped DataStore holding this control plane\'s state. Defaulted from the ' +
        'server\'s --default-datastore; cannot be unset. Changing it migrates the data.',
    ),
    dataStoreSchema: string(
      'Database (SQL) or key prefix (etcd) of this control plane in the DataStore. Immutable; ' +
        'defaulted from the object uid.',
      { maxLength: 63, pattern: sqlIdentifierPattern },
    ),
    dataStoreUsername: string(
      'Database user (SQL) of this control plane in the DataStore. Immutable; defaulted from the object uid.',
      { maxLength: 32, pattern: sqlIdentifierPattern },
    ),
    dataStoreOverrides: array(
      'Extra etcd DataStores for single resources, rendered as --etcd-servers-overrides.',
      object(
        'Stores one resource in another etcd DataStore.',
        {
          dataStore: string('Name of the etcd DataStore.', { minLength: 1 }),
          resource: string('Resource as group/resource, e.g. /events.', { minLength: 1 }),
        },
        { required: ['dataStore', 'resource'] },
      ),
      { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['resource'] },
    ),
    controlPlane: object(
      'How the control plane runs and is exposed in the management cluster.',
      {
        deployment: object(
          'The Deployment running kube-apiserver, kube-controller-manager and kube-scheduler.',
          {
            registrySettings: object(
              'Where the control plane images come from: <registry>/<image>:<version><tagSuffix>.',
              {
                apiServerImage: string('kube-apiserver image name.', { default: 'kube-apiserver' }),
                controllerManagerImage: string('kube-controller-manager image name.', {
                  default: 'kube-controller-manager',
                }),
                registry: string('Registry host and path.', { default: 'registry.k8s.io' }),
                schedulerImage: string('kube-scheduler image name.', { default: 'kube-scheduler' }),
                tagSuffix: string('Appended to the image tag.'),
              },
              {
                default: {
                  apiServerImage: 'kube-apiserver',
                  controllerManagerImage: 'kube-controller-manager',
                  registry: 'registry.k8s.io',
                  schedulerImage: 'kube-scheduler',
                },
              },
            ),
            replicas: int32('Number of control plane pods; 0 puts the tenant to sleep.', {
              default: 2,
              minimum: 0,
            }),
            nodeSelector: map('Node labels the control plane pods must run on.', string('')),
            runtimeClassName: string('RuntimeClass of the control plane pods.'),
            tolerations: array('Tolerations (corev1.Toleration) of the control plane pods.', preserved('A corev1.Toleration.'), {
              'x-kubernetes-list-type': 'atomic',
            }),
            affinity: preserved('Affinity (corev1.Affinity) of the control plane pods.'),
            topologySpreadConstraints: array(
              'Topology spread constraints (corev1.TopologySpreadConstraint); a missing labelSelector ' +
                'is filled with the Deployment selector.',
              preserved('A corev1.TopologySpreadConstraint.'),
              { 'x-kubernetes-list-type': 'atomic' },
            ),
            strategy: object(
              'Deployment strategy; the default rolls out a full new set of pods first (blue/green).',
              {
                rollingUpdate: object('Rolling update parameters.', {
                  maxSurge: intOrString('Pods that may be created above the desired count.'),
                  maxUnavailable: intOrString('Pods that may be unavailable during the update.'),
                }),
                type: string('Type of deployment.', { enum: ['Recreate', 'RollingUpdate'] }),
              },
              { default: { rollingUpdate: { maxSurge: '100%', maxUnavailable: 0 }, type: 'RollingUpdate' } },
            ),
            resources: object('Compute resources of each container.', {
              apiServer: resourceRequirements('Resources of kube-apiserver.'),
              controllerManager: resourceRequirements('Resources of kube-controller-manager.'),
              kine: resourceRequirements('Resources of kine (SQL DataStores).'),
              scheduler: resourceRequirements('Resources of kube-scheduler.'),
            }),
            extraArgs: object('Extra command line flags (--flag=value) of each container.', {
              apiServer: array('Extra flags of kube-apiserver.', string('')),
              controllerManager: array('Extra flags of kube-controller-manager.', string('')),
              kine: array('Extra flags of kine.', string('')),
              scheduler: array('Extra flags of kube-scheduler.', string('')),
            }),
            additionalMetadata: additionalMetadata('Labels and annotations of the Deployment.'),
            podAdditionalMetadata: additionalMetadata('Labels and annotations of the pod template.'),
            additionalInitContainers: array('Init containers (corev1.Container) added to the pod.', preserved('A corev1.Container.'), {
              'x-kubernetes-list-type': 'atomic',
            }),
            additionalContainers: array('Containers (corev1.Container) added to the pod.', preserved('A corev1.Container.'), {
              'x-kubernetes-list-type': 'atomic',
            }),
            additionalVolumes: array('Volumes (corev1.Volume) added to the pod.', preserved('A corev1.Volume.'), {
              'x-kubernetes-list-type': 'atomic',
            }),
            additionalVolumeMounts: perComponent(
              'Volume mounts (corev1.VolumeMount)',
              array('Volume mounts added to the container.', preserved('A corev1.VolumeMount.'), {
                'x-kubernetes-list-type': 'atomic',
              }),
            ),
            probes: object('Probe timing; a per-component value overrides the global one.', {
              apiServer: probeSet,
              controllerManager: probeSet,
              liveness: probeSpec,
              readiness: probeSpec,
              scheduler: probeSet,
              startup: probeSpec,
            }),
            serviceAccountName: string('ServiceAccount of the control plane pods.', { default: 'default' }),
            automountServiceAccountToken: boolean('Whether the pods mount a ServiceAccount token.'),
            containerSecurityContexts: perComponent(
              'Security context (corev1.SecurityContext)',
              preserved('A corev1.SecurityContext.'),
            ),
            podSecurityContext: preserved('Security context (corev1.PodSecurityContext) of the pods.'),
          },
          { default: {} },
        ),
        service: object(
          'The Service exposing kube-apiserver (and konnectivity) in the management cluster.',
          {
            serviceType: string('Type of the Service.', { enum: ['ClusterIP', 'NodePort', 'LoadBalancer'] }),
            additionalMetadata: additionalMetadata('Labels and annotations of the Service.'),
            additionalPorts: array(
              'Extra ports of the Service.',
              object(
                'One extra Service port.',
                {
                  appProtocol: string('Application protocol of the port.'),
                  name: string('Port name; must not be kube-apiserver or konnectivity-server.'),
                  port: int32('Port exposed by the Service.', { minimum: 1, maximum: 65535 }),
                  protocol: string('IP protocol.', { default: 'TCP', enum: ['TCP', 'UDP', 'SCTP'] }),
                  targetPort: intOrString('Port number or name on the pods.'),
                },
                { required: ['name', 'port'] },
              ),
              { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] },
            ),
            allocateLoadBalancerNodePorts: boolean('Whether a LoadBalancer Service allocates NodePorts (LoadBalancer only).'),
          },
          { required: ['serviceType'] },
        ),
        ingress: object('Exposes kube-apiserver through an Ingress (TLS passthrough); excludes gateway.', {
          additionalMetadata: additionalMetadata('Labels and annotations of the Ingress.'),
          hostname: string('Host name, optionally with :port, tenants use to reach kube-apiserver.'),
          ingressClassName: string('IngressClass of the Ingress.'),
        }),
        gateway: object('Exposes kube-apiserver through a Gateway API TLSRoute; excludes ingress.', {
          additionalMetadata: additionalMetadata('Labels and annotations of the route.'),
          hostname: string('Host name tenants use to reach kube-apiserver.'),
          parentRefs: array(
            'Gateways (gatewayv1.ParentReference) the route attaches to.',
            object(
              'A Gateway API ParentReference.',
              {
                group: string('Group of the referent.', { default: 'gateway.networking.k8s.io' }),
                kind: string('Kind of the referent.', { default: 'Gateway' }),
                name: string('Name of the referent.', { minLength: 1, maxLength: 253 }),
                namespace: string('Namespace of the referent; defaults to the route namespace.'),
                port: int32('Port of the referent listener.', { minimum: 1, maximum: 65535 }),
                sectionName: string('Section (listener) of the referent.'),
              },
              { required: ['name'] },
            ),
            { maxItems: 32, 'x-kubernetes-list-type': 'atomic' },
          ),
        }),
      },
      { required: ['service'] },
    ),
    kubernetes: object(
      'The Kubernetes version and settings of the tenant cluster.',
      {
        version: string('Kubernetes version of the control plane, vMAJOR.MINOR.PATCH (e.g. v1.33.1).'),
        kubelet: object('Settings handed to the kubelets that join the tenant cluster.', {
          configurationJSONPatches: array(
            'RFC 6902 JSON patches applied to the generated KubeletConfiguration.',
            object(
              'One JSON patch operation.',
              {
                from: string('Source path for move and copy.'),
                op: string('Operation.', { enum: ['add', 'remove', 'replace', 'move', 'copy', 'test'] }),
                path: string('JSON pointer to the target.'),
                value: { description: 'Value for add, replace and test.', 'x-kubernetes-preserve-unknown-fields': true },
              },
              { required: ['op', 'path'] },
            ),
            { 'x-kubernetes-list-type': 'atomic' },
          ),
          preferredAddressTypes: array(
            'Address types kube-apiserver prefers to reach kubelets (--kubelet-preferred-address-types).',
            string('', { enum: ['Hostname', 'InternalIP', 'ExternalIP', 'InternalDNS', 'ExternalDNS'] }),
            { default: ['InternalIP', 'ExternalIP', 'Hostname'], 'x-kubernetes-list-type': 'set' },
          ),
          cgroupfs: string('Deprecated: use configurationJSONPatches. Cgroup driver of the kubelets.', {
            enum: ['systemd', 'cgroupfs'],
          }),
        }),
        admissionControllers: array(
          'Admission plugins enabled in kube-apiserver (--enable-admission-plugins).',
          string('', { enum: admissionControllerNames }),
          { default: [...defaultAdmissionControllers], 'x-kubernetes-list-type': 'set' },
        ),
      },
      { required: ['kubelet', 'version'] },
    ),
    networkProfile: object(
      'Addresses, ports and CIDRs of the tenant cluster.',
      {
        address: string('Address of the control plane endpoint; taken from the Service when empty.'),
        advertiseAddress: string('IP tenants use to reach kube-apiserver (--advertise-address).'),
        port: int32('Secure port of kube-apiserver, also the Service (and NodePort) port.', {
          default: 6443,
          minimum: 1,
          maximum: 65535,
        }),
        certSANs: array('Extra DNS names and IPs in the kube-apiserver certificate.', string(''), {
          'x-kubernetes-list-type': 'set',
        }),
        clusterDomain: string('DNS domain of the tenant cluster; must contain a dot. Immutable.', {
          default: 'cluster.local',
        }),
        serviceCidr: string('Deprecated: use serviceCidrs.', { default: '10.96.0.0/16' }),
        serviceCidrs: array('Service CIDRs, one per IP family (dual-stack).', string(''), {
          maxItems: 2,
          minItems: 1,
          'x-kubernetes-list-type': 'atomic',
        }),
        podCidr: string('Deprecated: use podCidrs.', { default: '10.244.0.0/16' }),
        podCidrs: array('Pod CIDRs, one per IP family (dual-stack).', string(''), {
          maxItems: 2,
          minItems: 1,
          'x-kubernetes-list-type': 'atomic',
        }),
        dnsServiceIPs: array(
          'Cluster DNS Service IPs, each inside a service CIDR; computed from the service CIDRs when empty.',
          string(''),
          { maxItems: 8, 'x-kubernetes-list-type': 'atomic' },
        ),
        loadBalancerSourceRanges: array('CIDRs allowed to reach a LoadBalancer Service (LoadBalancer only).', string(''), {
          maxItems: 16,
          'x-kubernetes-list-type': 'atomic',
        }),
        loadBalancerClass: string('LoadBalancer class of the Service (LoadBalancer only). Immutable.', {
          minLength: 1,
        }),
        allowAddressAsExternalIP: boolean('For ClusterIP and NodePort: put address in the Service externalIPs.'),
      },
      { default: {} },
    ),
    addons: object('Addons installed into the tenant cluster.', {
      coreDNS: addonSpec('CoreDNS'),
      kubeProxy: addonSpec('kube-proxy'),
      konnectivity: object('Enables konnectivity: kube-apiserver reaches the nodes through agents.', {
        server: object(
          'The konnectivity server, a sidecar of kube-apiserver.',
          {
            port: int32('Port of the konnectivity server.', { minimum: 1, maximum: 65535 }),
            version: string('Image tag; defaults to v0.<Kubernetes minor>.0.'),
            image: string('Image without tag.', { default: 'registry.k8s.io/kas-network-proxy/proxy-server' }),
            resources: resourceRequirements('Compute resources of the server.'),
            extraArgs: array('Extra flags of the server.', string('')),
            securityContext: preserved('Security context (corev1.SecurityContext) of the server.'),
          },
          {
            default: { image: 'registry.k8s.io/kas-network-proxy/proxy-server', port: 8132 },
            required: ['port'],
          },
        ),
        agent: object(
          'The konnectivity agent running on the tenant nodes.',
          {
            image: string('Image without tag.', { default: 'registry.k8s.io/kas-network-proxy/proxy-agent' }),
            version: string('Image tag; defaults to v0.<Kubernetes minor>.0.'),
            tolerations: array('Tolerations (corev1.Toleration) of the agent.', preserved('A corev1.Toleration.'), {
              default: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }],
              'x-kubernetes-list-type': 'atomic',
            }),
            extraArgs: array('Extra flags of the agent.', string('')),
            hostNetwork: boolean('Runs the agent in the host network.', { default: false }),
            mode: string('Runs the agent as a DaemonSet or a Deployment.', {
              default: 'DaemonSet',
              enum: ['DaemonSet', 'Deployment'],
            }),
            replicas: int32('Agent replicas: 0 or unset for DaemonSet, unset or >0 for Deployment.', { minimum: 0 }),
          },
          { default: { image: 'registry.k8s.io/kas-network-proxy/proxy-agent', mode: 'DaemonSet' } },
        ),
      }),
    }),
  },
  { required: ['controlPlane', 'kubernetes'] },
);

const status = object('TenantControlPlaneStatus is the observed state of a tenant control plane.', {
  observedGeneration: int64('The generation observed by the last fully successful reconcile.'),
  conditions: conditions('Conditions of the control plane; Ready says whether it serves.'),
  storage: object('Where the control plane keeps its state.', {
    driver: string('Driver of the DataStore.'),
    dataStoreName: string('Name of the DataStore in use.'),
    config: object('The Secret with the DataStore connection settings.', {
      checksum: string('Checksum of the settings.'),
      secretName: string('Name of the Secret.'),
    }),
    setup: object('The database, user and grants created in the DataStore.', {
      checksum: string('Checksum of the setup inputs.'),
      lastUpdate: dateTime('Last time the setup ran.'),
      schema: string('Database or key prefix.'),
      user: string('Database user.'),
    }),
    certificate: secretStatus,
  }),
  certificates: object('Certificates of the control plane.', {
    apiServer: secretStatus,
    apiServerKubeletClient: secretStatus,
    ca: secretStatus,
    etcd: object('Legacy etcd certificates; not written.', { apiServer: secretStatus, ca: secretStatus }),
    frontProxyCA: secretStatus,
    frontProxyClient: secretStatus,
    sa: secretStatus,
  }),
  kubeconfig: object('Kubeconfigs of the control plane.', {
    admin: secretStatus,
    controllerManager: secretStatus,
    scheduler: secretStatus,
  }),
  kubernetesResources: object('The objects running the control plane in the management cluster.', {
    version: object('Installed version and overall state.', {
      status: string('State of the control plane.', { default: 'Provisioning', enum: versionStatuses }),
      version: string('Kubernetes version installed and running.'),
    }),
    deployment: object('The control plane Deployment and its status.', {
      availableReplicas: int32('Available pods.'),
      collisionCount: int32('Hash collision count of the Deployment.'),
      conditions: array(
        'Conditions of the Deployment.',
        object(
          'A Deployment condition.',
          {
            lastTransitionTime: dateTime('Last time the condition changed status.'),
            lastUpdateTime: dateTime('Last time the condition was updated.'),
            message: string('Human readable details.'),
            reason: string('Reason of the last transition.'),
            status: string('True, False or Unknown.'),
            type: string('Type of the condition.'),
          },
          { required: ['status', 'type'] },
        ),
        { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] },
      ),
      lastUpdate: dateTime('Last time the Deployment was written.'),
      name: string('Name of the Deployment.'),
      namespace: string('Namespace of the Deployment.'),
      observedGeneration: int64('Generation observed by the Deployment controller.'),
      readyReplicas: int32('Ready pods.'),
      replicas: int32('Pods targeted by the Deployment.'),
      selector: string('Label selector of the pods, for the scale subresource.'),
      terminatingReplicas: int32('Terminating pods.'),
      unavailableReplicas: int32('Unavailable pods.'),
      updatedReplicas: int32('Pods with the desired template.'),
    }),
    service: object('The control plane Service and its status.', {
      conditions: conditions('Conditions of the Service.'),
      loadBalancer: loadBalancerStatus,
      name: string('Name of the Service.'),
      namespace: string('Namespace of the Service.'),
      port: int32('Port of kube-apiserver on the Service.'),
    }),
    ingress: object('The control plane Ingress and its status.', {
      loadBalancer: loadBalancerStatus,
      name: string('Name of the Ingress.'),
      namespace: string('Namespace of the Ingress.'),
    }),
    gateway: object('The control plane TLSRoute and its status.', {
      accessPoints: array(
        'Where tenants reach the control plane through the Gateway.',
        object('One access point.', {
          port: int32('Port.'),
          type: string('Address type.'),
          urls: array('URLs of the access point.', string('')),
          value: string('Address value.'),
        }),
      ),
      parents: array('Route status per parent Gateway (gatewayv1.RouteParentStatus).', preserved('A RouteParentStatus.')),
      routeRef: object('The TLSRoute.', { name: string('Name of the route.') }),
    }),
  }),
  kubeadmconfig: object('The kubeadm configuration ConfigMap.', {
    checksum: string('Checksum of the configuration.'),
    configmapName: string('Name of the ConfigMap.'),
    lastUpdate: dateTime('Last time the ConfigMap was written.'),
  }),
  kubeadmPhase: object('kubeadm phases run against the tenant cluster.', {
    bootstrapToken: object('The bootstrap token phase (cluster-info, node RBAC).', {
      checksum: string('Checksum of the phase inputs.'),
      lastUpdate: dateTime('Last time the phase ran.'),
    }),
  }),
  controlPlaneEndpoint: string('host:port where the tenant kube-apiserver is reached.'),
  addons: object('Addons installed in the tenant cluster.', {
    coreDNS: addonStatus,
    kubeProxy: addonStatus,
    konnectivity: object('The konnectivity addon.', {
      enabled: boolean('True when konnectivity is installed.'),
      lastUpdate: dateTime('Last time konnectivity was reconciled.'),
      configMap: object('The egress selector ConfigMap.', {
        checksum: string('Checksum of the ConfigMap.'),
        name: string('Name of the ConfigMap.'),
      }),
      certificate: secretStatus,
      kubeconfig: secretStatus,
      sa: namedObjectStatus,
      clusterrolebinding: namedObjectStatus,
      agent: object('The agent DaemonSet or Deployment.', {
        lastUpdate: dateTime('Last time the agent was written.'),
        mode: string('DaemonSet or Deployment.'),
        name: string('Name of the agent workload.'),
        namespace: string('Namespace of the agent workload.'),
      }),
      service: object('The konnectivity Service port.', {
        name: string('Name of the Service.'),
        namespace: string('Namespace of the Service.'),
        port: int32('Port of the konnectivity server.'),
      }),
    }),
  }),
});

export const tenantControlPlaneSchema = resourceSchema(
  'TenantControlPlane is a Kubernetes control plane run as pods in the management cluster.',
  spec,
  status,
);
