// The egress selector configuration kube-apiserver reads when konnectivity is on: traffic to the
// cluster (nodes, pods, services) goes through the konnectivity server's Unix socket.
import type { V1ConfigMap } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import type { TenantControlPlane } from '../../apis/index.ts';
import { EGRESS_SELECTOR_FILE, KONNECTIVITY_SOCKET } from './deployment.ts';
import { egressSelectorConfigMapName, ownedMetadata } from './names.ts';

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
