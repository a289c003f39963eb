// What both credential subresources start from: the TenantControlPlane, Ready, with its endpoint
// and its CA. Anything else is a 409 that says what to wait for.
import type { TenantControlPlane } from '../../apis/index.ts';
import { tenantControlPlaneDeclaration } from '../../apis/index.ts';
import { badRequest, conflict, internalError } from '../../registry/errors.ts';
import type { Registry } from '../../registry/registry.ts';
import type { KubeClient } from '../runtime/kube-client.ts';
import { decodeSecretData, readSecret } from '../tenantcontrolplane/generated-secret.ts';
import { secretName } from '../tenantcontrolplane/names.ts';

export interface SubresourceDeps {
  /** Asked at request time only: main.ts may pass a late-bound lookup, as the Registry is built with these handlers. */
  registry: Pick<Registry, 'resource'>;
  managementClient: KubeClient;
  clock?: () => Date;
}

export interface ReadyTenantControlPlane {
  tcp: TenantControlPlane;
  namespace: string;
  /** host:port of the tenant API server (status.controlPlaneEndpoint). */
  endpoint: string;
}

const resourceName = { group: tenantControlPlaneDeclaration.group, resource: tenantControlPlaneDeclaration.plural };

export async function readyTenantControlPlane(deps: SubresourceDeps, namespace: string | undefined, name: string): Promise<ReadyTenantControlPlane> {
  const store = deps.registry.resource(tenantControlPlaneDeclaration.plural)?.store;
  if (!store) throw internalError('tenantcontrolplanes are not served');
  // A missing tcp is the store's own 404.
  const tcp = (await store.get(namespace, name)) as unknown as TenantControlPlane;
  const state = tcp.status?.kubernetesResources?.version?.status ?? 'Provisioning';
  if (tcp.metadata.deletionTimestamp) throw conflict(resourceName, name, 'the control plane is being deleted');
  if (state !== 'Ready') {
    throw conflict(
      resourceName,
      name,
      `the control plane is not Ready yet (status ${state}); wait for it with: kubectl wait --for=condition=Ready tcp/${name} -n ${namespace}`,
    );
  }
  const endpoint = tcp.status?.controlPlaneEndpoint;
  if (!endpoint) throw conflict(resourceName, name, 'the control plane has no endpoint yet (status.controlPlaneEndpoint)');
  return { tcp, namespace: namespace ?? '', endpoint };
}

/** The tenant CA, certificate and key, from the Secret `<tcp>-ca`. */
export async function tenantCertificateAuthority(
  deps: SubresourceDeps,
  ready: ReadyTenantControlPlane,
): Promise<{ certificate: string; privateKey: string }> {
  const name = secretName(ready.tcp, 'ca');
  const data = decodeSecretData(await readSecret(deps.managementClient, ready.namespace, name));
  const certificate = data['ca.crt'];
  const privateKey = data['ca.key'];
  // A Ready tcp has its CA: if it is gone, that is ours to fix, not the caller's.
  if (!certificate || !privateKey) throw internalError(`the certificate authority of the control plane (Secret ${ready.namespace}/${name}) is missing`);
  return { certificate, privateKey };
}

/** A whole number of seconds, at least `min` (and at most `max`), or undefined when absent; 400 naming `parameter` otherwise. */
export function secondsParameter(value: unknown, parameter: string, range: { min: number; max?: number }): number | undefined {
  if (value === undefined) return undefined;
  const seconds = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  if (typeof seconds !== 'number' || !Number.isSafeInteger(seconds) || seconds < range.min || seconds > max) {
    const bounds = range.max === undefined ? `at least ${range.min}` : `from ${range.min} to ${range.max}`;
    throw badRequest(`${parameter}: must be a whole number of seconds ${bounds}, not ${JSON.stringify(value)}`);
  }
  return seconds;
}
