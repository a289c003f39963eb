// GET tenantcontrolplanes/NAME/kubeconfig: a kubeconfig for the tenant cluster made for whoever
// asks. Its client certificate is fresh for every request (new key, never stored or logged),
// signed by the tenant CA, CN = the requester's user name, O = kubeadm:cluster-admins, which the
// tenant bootstrap binds to cluster-admin. Who may ask is decided by RBAC on the subresource.
import type { PrinterColumn } from '../../apis/declaration.ts';
import type { KubeObject } from '../../apis/meta.ts';
import { tenantControlPlaneDeclaration } from '../../apis/index.ts';
import { buildKubeconfig, issueCertificate, parseCertificate, PkiError } from '../../pki/index.ts';
import { badRequest, internalError } from '../../registry/errors.ts';
import type { SubresourceHandler, SubresourceRequest } from '../../registry/store.ts';
import { kubeTime } from '../runtime/kube-client.ts';
import { readyTenantControlPlane, secondsParameter, tenantCertificateAuthority, type SubresourceDeps } from './ready-tenant-control-plane.ts';

/** The group the tenant bootstrap binds to cluster-admin (kubeadm's admin.conf group). */
export const CLUSTER_ADMINS_GROUP = 'kubeadm:cluster-admins';
export const DEFAULT_KUBECONFIG_SECONDS = 24 * 60 * 60;
/** As TokenRequest and CertificateSigningRequest: shorter credentials are refused. */
export const MIN_KUBECONFIG_SECONDS = 600;
/** When the client certificate expires, for the Table form (kubeconfig has no field for it). */
export const EXPIRATION_ANNOTATION = 'tenancy.kamaji.io/expiration-timestamp';

const subresource = tenantControlPlaneDeclaration.customSubresources.find((s) => s.name === 'kubeconfig')!;

const printerColumns: readonly PrinterColumn[] = [
  { name: 'Cluster', type: 'string', description: 'Name of the tenant cluster in the kubeconfig.', priority: 0, jsonPath: '.clusters[0].name' },
  { name: 'Server', type: 'string', description: 'The tenant API server.', priority: 0, jsonPath: '.clusters[0].cluster.server' },
  { name: 'User', type: 'string', description: 'The user the client certificate names.', priority: 0, jsonPath: '.users[0].name' },
  { name: 'Expires', type: 'string', description: 'When the client certificate expires.', priority: 0, jsonPath: `.metadata.annotations['${EXPIRATION_ANNOTATION}']` },
];

export function createKubeconfigSubresource(deps: SubresourceDeps): SubresourceHandler {
  return {
    subresource,
    printerColumns,
    async get(request: SubresourceRequest): Promise<KubeObject> {
      const lifetime = Math.min(
        secondsParameter(request.query.expirationSeconds, 'expirationSeconds', { min: MIN_KUBECONFIG_SECONDS }) ?? DEFAULT_KUBECONFIG_SECONDS,
        DEFAULT_KUBECONFIG_SECONDS,
      );
      const ready = await readyTenantControlPlane(deps, request.namespace, request.name);
      const ca = await tenantCertificateAuthority(deps, ready);
      const userName = request.user.username;
      let client;
      try {
        client = await issueCertificate(ca, { commonName: userName, organizations: [CLUSTER_ADMINS_GROUP], usages: ['client'], validitySeconds: lifetime });
      } catch (error) {
        // The user name is the request's; anything else wrong (an expired CA) is ours.
        if (error instanceof PkiError && error.field === 'commonName') {
          throw badRequest(`cannot issue a certificate for user ${JSON.stringify(userName)}: ${error.message}`);
        }
        if (error instanceof PkiError) throw internalError(`the certificate authority of the control plane cannot issue certificates: ${error.message}`);
        throw error;
      }
      const { object } = buildKubeconfig({
        clusterName: request.name,
        server: `https://${ready.endpoint}`,
        caCertificate: ca.certificate,
        userName,
        clientCertificate: client.certificate,
        clientKey: client.privateKey,
      });
      return {
        ...object,
        // Not part of a kubeconfig (client-go ignores it): lets kubectl print and name the object.
        metadata: {
          name: request.name,
          ...(request.namespace ? { namespace: request.namespace } : {}),
          annotations: { [EXPIRATION_ANNOTATION]: kubeTime(parseCertificate(client.certificate).notAfter) },
        },
      };
    },
  };
}
