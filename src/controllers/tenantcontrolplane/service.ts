// Step 1: the Service `<tcp>` exposing kube-apiserver (and konnectivity), and the control plane
// endpoint derived from it (kamaji-features.md §3.5).
import type { V1Service, V1ServicePort } from '@kubernetes/client-node';
import type { TenantControlPlane } from '../../apis/index.ts';
import { applyObject, readObject, type ObjectRef } from '../runtime/kube-client.ts';
import { LABEL_NAME, ownedMetadata } from './names.ts';
import { StepWait, type PassContext } from './step.ts';

export const API_SERVER_PORT_NAME = 'kube-apiserver';
export const KONNECTIVITY_PORT_NAME = 'konnectivity-server';

export function apiServerPort(tcp: TenantControlPlane): number {
  return tcp.spec.networkProfile?.port ?? 6443;
}

export function konnectivityPort(tcp: TenantControlPlane): number | undefined {
  const konnectivity = tcp.spec.addons?.konnectivity;
  return konnectivity ? (konnectivity.server?.port ?? 8132) : undefined;
}

export function buildService(tcp: TenantControlPlane): V1Service {
  const service = tcp.spec.controlPlane.service;
  const network = tcp.spec.networkProfile ?? {};
  const type = service.serviceType;
  const port = apiServerPort(tcp);
  const nodePortFor = (value: number) => (type === 'NodePort' ? { nodePort: value } : {});
  const ports: V1ServicePort[] = [
    { name: API_SERVER_PORT_NAME, protocol: 'TCP', port, targetPort: port, ...nodePortFor(port) },
  ];
  const konnectivity = konnectivityPort(tcp);
  if (konnectivity !== undefined) {
    ports.push({
      name: KONNECTIVITY_PORT_NAME,
      protocol: 'TCP',
      port: konnectivity,
      targetPort: konnectivity,
      ...nodePortFor(konnectivity),
    });
  }
  for (const extra of service.additionalPorts ?? []) {
    ports.push({
      name: extra.name,
      protocol: extra.protocol ?? 'TCP',
      port: extra.port,
      ...(extra.targetPort !== undefined ? { targetPort: extra.targetPort } : {}),
      ...(extra.appProtocol ? { appProtocol: extra.appProtocol } : {}),
    });
  }
  const metadata = ownedMetadata(tcp, tcp.metadata.name ?? '', 'service');
  const loadBalancer = type === 'LoadBalancer';
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      ...metadata,
      labels: { ...service.additionalMetadata?.labels, ...metadata.labels },
      ...(service.additionalMetadata?.annotations ? { annotations: { ...service.additionalMetadata.annotations } } : {}),
    },
    spec: {
      type,
      selector: { [LABEL_NAME]: tcp.metadata.name ?? '' },
      ports,
      ...(loadBalancer && network.loadBalancerClass ? { loadBalancerClass: network.loadBalancerClass } : {}),
      ...(loadBalancer && network.loadBalancerSourceRanges?.length
        ? { loadBalancerSourceRanges: [...network.loadBalancerSourceRanges] }
        : {}),
      ...(loadBalancer && service.allocateLoadBalancerNodePorts !== undefined
        ? { allocateLoadBalancerNodePorts: service.allocateLoadBalancerNodePorts }
        : {}),
      ...(!loadBalancer && network.allowAddressAsExternalIP && network.address ? { externalIPs: [network.address] } : {}),
    },
  };
}

export type Endpoint = { host: string; port: number };

/**
 * Where tenants reach kube-apiserver: the pinned address, else the LoadBalancer's IP or host name
 * (Kamaji refuses host names; cloud load balancers that hand out names work here), else the
 * ClusterIP. undefined while a LoadBalancer has no address yet.
 */
export function controlPlaneEndpoint(tcp: TenantControlPlane, service: V1Service): Endpoint | undefined {
  const port = apiServerPort(tcp);
  const pinned = tcp.spec.networkProfile?.address;
  if (pinned) return { host: pinned, port };
  if (tcp.spec.controlPlane.service.serviceType === 'LoadBalancer') {
    const ingress = service.status?.loadBalancer?.ingress?.[0];
    const host = ingress?.ip || ingress?.hostname;
    return host ? { host, port } : undefined;
  }
  const clusterIP = service.spec?.clusterIP;
  return clusterIP && clusterIP !== 'None' ? { host: clusterIP, port } : undefined;
}

/** host:port, with brackets around an IPv6 address. */
export function formatEndpoint({ host, port }: Endpoint): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** The in-cluster DNS name of the Service, which the controllers and `*.svc` kubeconfigs use. */
export function serviceHost(tcp: TenantControlPlane): string {
  return `${tcp.metadata.name}.${tcp.metadata.namespace}.svc`;
}

/** Applies the Service and records it and the endpoint in status; waits for a LoadBalancer address. */
export async function reconcileService(ctx: PassContext): Promise<{ endpoint: Endpoint; clusterIP?: string }> {
  const { tcp } = ctx;
  const desired = buildService(tcp);
  const previous = await readObject<V1Service>(ctx.managementClient, desired as ObjectRef);
  const { object: service, changed } = await applyObject(ctx.managementClient, desired, previous);
  if (changed) {
    ctx.events.record(tcp, 'Normal', previous ? 'ServiceUpdated' : 'ServiceCreated', `Service ${desired.metadata?.name} ${previous ? 'updated' : 'created'}`);
  }
  const port = apiServerPort(tcp);
  const loadBalancer = service.status?.loadBalancer;
  ctx.status.kubernetesResources = {
    ...ctx.status.kubernetesResources,
    service: {
      name: service.metadata?.name ?? '',
      namespace: service.metadata?.namespace ?? '',
      port,
      ...(loadBalancer?.ingress?.length
        ? { loadBalancer: { ingress: loadBalancer.ingress.map(({ ip, hostname, ipMode }) => ({ ...(ip ? { ip } : {}), ...(hostname ? { hostname } : {}), ...(ipMode ? { ipMode } : {}) })) } }
        : {}),
    },
  };
  const endpoint = controlPlaneEndpoint(tcp, service);
  if (!endpoint) {
    throw new StepWait('WaitingForLoadBalancer', `Service ${service.metadata?.name} has no load balancer address yet`, 5_000);
  }
  ctx.status.controlPlaneEndpoint = formatEndpoint(endpoint);
  const clusterIP = service.spec?.clusterIP;
  return { endpoint, ...(clusterIP && clusterIP !== 'None' ? { clusterIP } : {}) };
}
