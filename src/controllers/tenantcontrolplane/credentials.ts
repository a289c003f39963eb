// Step 2: every certificate, key and kubeconfig Secret, in dependency order (CAs first), and their
// references in status.certificates, status.kubeconfig and status.addons.konnectivity.
import type { TenantControlPlaneStatus } from '../../apis/index.ts';
import type { KeyPairPem } from '../../pki/index.ts';
import {
  apiServerCertificateSpec,
  apiServerKubeletClientSpec,
  caSpec,
  frontProxyCASpec,
  frontProxyClientSpec,
  keyPair,
  konnectivityCertificateSpec,
  serviceAccountSpec,
} from './certificates.ts';
import { ensureGeneratedSecret, type EnsuredSecret, type GeneratedSecretSpec } from './generated-secret.ts';
import {
  adminKubeconfigSpec,
  controllerManagerKubeconfigSpec,
  konnectivityKubeconfigSpec,
  schedulerKubeconfigSpec,
} from './kubeconfigs.ts';
import type { Endpoint } from './service.ts';
import type { PassContext } from './step.ts';

type SecretStatus = { lastUpdate?: string };

export interface Credentials {
  ca: KeyPairPem;
  /** super-admin.svc: the kubeconfig the controllers use to reach the tenant. */
  adminKubeconfigs: Record<string, string>;
}

export async function reconcileCredentials(ctx: PassContext, endpoint: Endpoint, clusterIP: string | undefined): Promise<Credentials> {
  const { tcp } = ctx;
  const previous = ctx.status;
  const ensure = async (spec: GeneratedSecretSpec, previousStatus: SecretStatus | undefined, mountedByPods = true) => {
    const secret = await ensureGeneratedSecret(ctx, tcp, spec);
    if (secret.regenerated && secret.regenerated !== 'missing') {
      ctx.events.record(tcp, 'Normal', 'SecretRegenerated', `Secret ${secret.name} regenerated: ${secret.regenerated}`);
    }
    // Only what the pods mount rolls them when it changes.
    if (mountedByPods) ctx.checksums[secret.name] = secret.checksum;
    return { secret, status: secretStatus(secret, previousStatus) };
  };

  // Each tier needs only the CAs of the one before, so a tier's keys are generated side by side
  // (in libuv's thread pool, four threads by default).
  const [ca, frontProxyCA, sa] = await Promise.all([
    ensure(caSpec(), previous.certificates?.ca),
    ensure(frontProxyCASpec(), previous.certificates?.frontProxyCA),
    ensure(serviceAccountSpec(), previous.certificates?.sa),
  ]);
  const caPair = keyPair(ca.secret.data, 'ca.crt', 'ca.key');
  const frontProxyPair = keyPair(frontProxyCA.secret.data, 'front-proxy-ca.crt', 'front-proxy-ca.key');
  const [apiServer, kubeletClient, frontProxyClient, admin, controllerManager, scheduler] = await Promise.all([
    ensure(apiServerCertificateSpec(tcp, caPair, endpoint, clusterIP), previous.certificates?.apiServer),
    ensure(apiServerKubeletClientSpec(caPair), previous.certificates?.apiServerKubeletClient),
    ensure(frontProxyClientSpec(frontProxyPair), previous.certificates?.frontProxyClient),
    ensure(adminKubeconfigSpec(tcp, caPair, endpoint), previous.kubeconfig?.admin, false),
    ensure(controllerManagerKubeconfigSpec(tcp, caPair), previous.kubeconfig?.controllerManager),
    ensure(schedulerKubeconfigSpec(tcp, caPair), previous.kubeconfig?.scheduler),
  ]);

  ctx.status.certificates = {
    ca: ca.status,
    frontProxyCA: frontProxyCA.status,
    sa: sa.status,
    apiServer: apiServer.status,
    apiServerKubeletClient: kubeletClient.status,
    frontProxyClient: frontProxyClient.status,
  };
  ctx.status.kubeconfig = { admin: admin.status, controllerManager: controllerManager.status, scheduler: scheduler.status };

  if (tcp.spec.addons?.konnectivity) {
    const konnectivity = previous.addons?.konnectivity;
    const certificate = await ensure(konnectivityCertificateSpec(caPair), konnectivity?.certificate, false);
    const kubeconfig = await ensure(
      konnectivityKubeconfigSpec(tcp, caPair, keyPair(certificate.secret.data, 'tls.crt', 'tls.key')),
      konnectivity?.kubeconfig,
    );
    ctx.status.addons = {
      ...ctx.status.addons,
      konnectivity: { ...konnectivity, enabled: true, certificate: certificate.status, kubeconfig: kubeconfig.status },
    };
  }
  return { ca: caPair, adminKubeconfigs: admin.secret.data };
}

function secretStatus(secret: EnsuredSecret, previous: SecretStatus | undefined): NonNullable<NonNullable<TenantControlPlaneStatus['certificates']>['ca']> {
  const lastUpdate = secret.lastUpdate ?? previous?.lastUpdate;
  return { secretName: secret.name, checksum: secret.checksum, ...(lastUpdate ? { lastUpdate } : {}) };
}
