// Names, labels, annotations and the owner reference every object a TenantControlPlane owns carries.
import { createHash } from 'node:crypto';
import { apiVersion } from '../../apis/index.ts';
import type { TenantControlPlane } from '../../apis/index.ts';
import type { OwnerReference } from '../../apis/meta.ts';

export const LABEL_NAME = 'kamaji.clastix.io/name';
export const LABEL_PROJECT = 'kamaji.clastix.io/project';
export const LABEL_COMPONENT = 'kamaji.clastix.io/component';
export const PROJECT = 'kamaji';
export const ANNOTATION_CHECKSUM = 'kamaji.clastix.io/checksum';
export const ANNOTATION_PAUSED = 'kamaji.clastix.io/paused';
export const ANNOTATION_ROTATE = 'certs.kamaji.clastix.io/rotate';
export const TCP_FINALIZER = 'finalizer.kamaji.clastix.io';
/** On what the controllers create inside a tenant, to tell it from the tenant's own objects. */
export const TENANT_OBJECT_LABELS: Readonly<Record<string, string>> = { [LABEL_PROJECT]: PROJECT };

export const secretNames = {
  ca: 'ca',
  frontProxyCA: 'front-proxy-ca-certificate',
  sa: 'sa-certificate',
  apiServer: 'api-server-certificate',
  apiServerKubeletClient: 'api-server-kubelet-client-certificate',
  frontProxyClient: 'front-proxy-client-certificate',
  konnectivity: 'konnectivity-certificate',
  adminKubeconfig: 'admin-kubeconfig',
  controllerManagerKubeconfig: 'controller-manager-kubeconfig',
  schedulerKubeconfig: 'scheduler-kubeconfig',
  konnectivityKubeconfig: 'konnectivity-kubeconfig',
  datastoreConfig: 'datastore-config',
  datastoreCertificate: 'datastore-certificate',
} as const;

export type SecretPurpose = keyof typeof secretNames;

/** `<tcp>-<suffix>`, the name of every generated Secret and ConfigMap. */
export function childName(tcp: TenantControlPlane, suffix: string): string {
  return `${tcp.metadata.name}-${suffix}`;
}

export function secretName(tcp: TenantControlPlane, purpose: SecretPurpose): string {
  return childName(tcp, secretNames[purpose]);
}

export function egressSelectorConfigMapName(tcp: TenantControlPlane): string {
  return childName(tcp, 'konnectivity-egress-selector-configuration');
}

export function ownedLabels(tcp: TenantControlPlane, component: string): Record<string, string> {
  return { [LABEL_PROJECT]: PROJECT, [LABEL_NAME]: tcp.metadata.name ?? '', [LABEL_COMPONENT]: component };
}

/** The garbage collector sees the aggregated kind, so owned objects go with their tcp. */
export function ownerReference(tcp: TenantControlPlane): OwnerReference {
  return {
    apiVersion,
    kind: 'TenantControlPlane',
    name: tcp.metadata.name ?? '',
    uid: tcp.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function ownedMetadata(tcp: TenantControlPlane, name: string, component: string) {
  return {
    name,
    namespace: tcp.metadata.namespace ?? '',
    labels: ownedLabels(tcp, component),
    ownerReferences: [ownerReference(tcp)],
  };
}

/** A stable checksum of any JSON value (keys sorted), used to tell whether inputs changed. */
export function checksum(value: unknown): string {
  return createHash('sha256').update(stableJson(value)).digest('hex').slice(0, 32);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
