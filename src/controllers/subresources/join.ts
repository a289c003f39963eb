// POST tenantcontrolplanes/NAME/join: a kubeadm bootstrap token created in the tenant, and what a
// worker needs with it: the CA pin, the endpoint and the complete `kubeadm join` command.
// GET answers the same without a token. The token Secret is the one `kubeadm token create` writes,
// so the tenant's bootstrap RBAC (set up by the tcp controller) lets the node join with it.
import { ApiException, type V1Secret } from '@kubernetes/client-node';
import type { PrinterColumn } from '../../apis/declaration.ts';
import type { KubeObject } from '../../apis/meta.ts';
import { apiVersion, tenantControlPlaneDeclaration } from '../../apis/index.ts';
import { caCertificateHash, randomBootstrapToken } from '../../pki/index.ts';
import { internalError, serviceUnavailable } from '../../registry/errors.ts';
import type { SubresourceHandler, SubresourceRequest } from '../../registry/store.ts';
import { apiErrorMessage, kubeTime, type KubeClient } from '../runtime/kube-client.ts';
import { decodeSecretData, readSecret } from '../tenantcontrolplane/generated-secret.ts';
import { secretName } from '../tenantcontrolplane/names.ts';
import { TENANT_KUBECONFIG_KEY, tenantClientFrom } from '../tenantcontrolplane/tenant-bootstrap.ts';
import {
  readyTenantControlPlane,
  secondsParameter,
  tenantCertificateAuthority,
  type ReadyTenantControlPlane,
  type SubresourceDeps,
} from './ready-tenant-control-plane.ts';

export const DEFAULT_JOIN_TTL_SECONDS = 60 * 60;
export const MIN_JOIN_TTL_SECONDS = 60;
/** A token that never expires (kubeadm's ttl 0) is not offered: a week at most. */
export const MAX_JOIN_TTL_SECONDS = 7 * 24 * 60 * 60;
/** The group kubeadm's bootstrap RBAC names (kubeadm token create's default). */
export const BOOTSTRAP_GROUP = 'system:bootstrappers:kubeadm:default-node-token';
/** How many fresh token ids to try when one is taken (36^6 ids: a collision is already rare). */
const TOKEN_ATTEMPTS = 3;

export interface JoinSubresourceDeps extends SubresourceDeps {
  /**
   * The key of `<tcp>-admin-kubeconfig` to reach the tenant with: `super-admin.svc` (default, the
   * Service's DNS name, from inside the management cluster) or `super-admin.conf` (the endpoint),
   * as the controllers' tenantAccess option chooses.
   */
  tenantKubeconfigKey?: string;
  /** How to reach the tenant from that kubeconfig; tests give their own. */
  tenantClientFrom?: (kubeconfigYaml: string) => KubeClient;
}

const subresource = tenantControlPlaneDeclaration.customSubresources.find((s) => s.name === 'join')!;

const printerColumns: readonly PrinterColumn[] = [
  { name: 'Endpoint', type: 'string', description: 'The tenant API server workers join.', priority: 0, jsonPath: '.endpoint' },
  { name: 'Token', type: 'string', description: 'The bootstrap token (create only).', priority: 0, jsonPath: '.token' },
  { name: 'Expires', type: 'string', description: 'When the token expires.', priority: 0, jsonPath: '.expiration' },
  { name: 'CA Cert Hash', type: 'string', description: 'The tenant CA pin for --discovery-token-ca-cert-hash.', priority: 1, jsonPath: '.caCertHashes[0]' },
];

export function createJoinSubresource(deps: JoinSubresourceDeps): SubresourceHandler {
  const now = deps.clock ?? (() => new Date());
  const connect = deps.tenantClientFrom ?? tenantClientFrom;

  async function joinInformation(request: SubresourceRequest) {
    const ready = await readyTenantControlPlane(deps, request.namespace, request.name);
    const ca = await tenantCertificateAuthority(deps, ready);
    return { ready, caCertHash: caCertificateHash(ca.certificate) };
  }

  const answer = (ready: ReadyTenantControlPlane, caCertHash: string, token: { token: string; expiration: string } | undefined): KubeObject => ({
    apiVersion,
    kind: subresource.kind,
    metadata: { name: ready.tcp.metadata.name ?? '', namespace: ready.namespace },
    ...(token ? { token: token.token } : {}),
    caCertHashes: [caCertHash],
    endpoint: ready.endpoint,
    joinCommand: `kubeadm join ${ready.endpoint} --token ${token?.token ?? '<token>'} --discovery-token-ca-cert-hash ${caCertHash}`,
    ...(token ? { expiration: token.expiration } : {}),
  });

  return {
    subresource,
    printerColumns,

    async get(request) {
      const { ready, caCertHash } = await joinInformation(request);
      return answer(ready, caCertHash, undefined);
    },

    async create(request) {
      const ttlSeconds = secondsParameter(request.body?.ttlSeconds ?? undefined, 'ttlSeconds', { min: MIN_JOIN_TTL_SECONDS, max: MAX_JOIN_TTL_SECONDS }) ?? DEFAULT_JOIN_TTL_SECONDS;
      const { ready, caCertHash } = await joinInformation(request);
      const expiration = kubeTime(new Date(now().getTime() + ttlSeconds * 1000));
      const tenantClient = connect(await tenantAdminKubeconfig(deps, ready, deps.tenantKubeconfigKey ?? TENANT_KUBECONFIG_KEY));
      for (let attempt = 1; ; attempt++) {
        const token = randomBootstrapToken();
        const secret = bootstrapTokenSecret(token, expiration, `created by Kamaji-TS for ${request.user.username} through tenantcontrolplanes/join`);
        if (request.dryRun) return answer(ready, caCertHash, { token: token.token, expiration });
        try {
          await tenantClient.create(secret);
          return answer(ready, caCertHash, { token: token.token, expiration });
        } catch (error) {
          if (error instanceof ApiException && error.code === 409 && attempt < TOKEN_ATTEMPTS) continue;
          throw tenantFailure(error);
        }
      }
    },
  };
}

/** kube-system/bootstrap-token-<id>, exactly as `kubeadm token create` writes it. */
export function bootstrapTokenSecret(token: { id: string; secret: string }, expiration: string, description: string): V1Secret & { apiVersion: string; kind: string } {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: `bootstrap-token-${token.id}`, namespace: 'kube-system' },
    type: 'bootstrap.kubernetes.io/token',
    stringData: {
      description,
      'token-id': token.id,
      'token-secret': token.secret,
      expiration,
      'usage-bootstrap-authentication': 'true',
      'usage-bootstrap-signing': 'true',
      'auth-extra-groups': BOOTSTRAP_GROUP,
    },
  };
}

async function tenantAdminKubeconfig(deps: SubresourceDeps, ready: ReadyTenantControlPlane, key: string): Promise<string> {
  const name = secretName(ready.tcp, 'adminKubeconfig');
  const kubeconfig = decodeSecretData(await readSecret(deps.managementClient, ready.namespace, name))[key];
  if (!kubeconfig) throw internalError(`the admin kubeconfig of the control plane (Secret ${ready.namespace}/${name}, key ${key}) is missing`);
  return kubeconfig;
}

/** The tenant API refused or did not answer: the caller may retry; the token was not created. */
function tenantFailure(error: unknown) {
  if (error instanceof ApiException) return internalError(`the tenant API server refused the bootstrap token: ${apiErrorMessage(error)}`);
  return serviceUnavailable(`the tenant API server did not answer: ${error instanceof Error ? error.message : String(error)}`);
}
