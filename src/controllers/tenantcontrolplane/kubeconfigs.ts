// Step 2b: the kubeconfigs of the admin, kube-controller-manager, kube-scheduler and the
// konnectivity server, each with a client certificate signed by the tenant CA.
import { parse } from 'yaml';
import type { TenantControlPlane } from '../../apis/index.ts';
import { buildKubeconfig, issueCertificate, type KeyPairPem } from '../../pki/index.ts';
import { CLUSTER_ADMINS_GROUP } from './certificates.ts';
import type { GeneratedSecretSpec } from './generated-secret.ts';
import { checksum } from './names.ts';
import { apiServerPort, formatEndpoint, serviceHost, type Endpoint } from './service.ts';

/** The client certificates (PEM) of every user in a kubeconfig. */
export function kubeconfigClientCertificates(kubeconfigYaml: string): string[] {
  const config = parse(kubeconfigYaml) as { users?: { user?: { 'client-certificate-data'?: string } }[] } | null;
  return (config?.users ?? []).map((entry) => Buffer.from(entry.user?.['client-certificate-data'] ?? '', 'base64').toString());
}

type KubeconfigUser = { commonName: string; organizations?: string[] };

/** Kubeconfigs for one user, one per server URL, sharing one client certificate (one RSA key). */
async function clientKubeconfigs(tcp: TenantControlPlane, ca: KeyPairPem, servers: string[], user: KubeconfigUser): Promise<string[]> {
  const issued = await issueCertificate(ca, { ...user, usages: ['client'] });
  return servers.map(
    (server) =>
      buildKubeconfig({
        clusterName: tcp.metadata.name ?? 'kubernetes',
        server,
        caCertificate: ca.certificate,
        userName: user.commonName.replace(/^system:/, '').replace(/:/g, '-'),
        clientCertificate: issued.certificate,
        clientKey: issued.privateKey,
      }).yaml,
  );
}

async function clientKubeconfig(tcp: TenantControlPlane, ca: KeyPairPem, server: string, user: KubeconfigUser): Promise<string> {
  return (await clientKubeconfigs(tcp, ca, [server], user))[0] ?? '';
}

function kubeconfigSpec(
  purpose: GeneratedSecretSpec['purpose'],
  component: string,
  ca: KeyPairPem,
  inputs: object,
  keys: string[],
  generate: GeneratedSecretSpec['generate'],
): GeneratedSecretSpec {
  return {
    purpose,
    component,
    inputs: { ca: checksum(ca.certificate), ...inputs },
    keys,
    issuer: ca.certificate,
    certificatesIn: (data) => keys.flatMap((key) => kubeconfigClientCertificates(data[key] ?? '')),
    generate,
  };
}

/** Server URL tenants use: the endpoint (advertised address wins when set). */
export function tenantServerUrl(tcp: TenantControlPlane, endpoint: Endpoint): string {
  const advertised = tcp.spec.networkProfile?.advertiseAddress;
  return `https://${formatEndpoint(advertised ? { host: advertised, port: endpoint.port } : endpoint)}`;
}

/** Server URL inside the management cluster: the Service's DNS name. */
export function inClusterServerUrl(tcp: TenantControlPlane): string {
  return `https://${serviceHost(tcp)}:${apiServerPort(tcp)}`;
}

export const ADMIN_KUBECONFIG_KEYS = ['admin.conf', 'super-admin.conf', 'admin.svc', 'super-admin.svc'];

export function adminKubeconfigSpec(tcp: TenantControlPlane, ca: KeyPairPem, endpoint: Endpoint): GeneratedSecretSpec {
  const server = tenantServerUrl(tcp, endpoint);
  const svcServer = inClusterServerUrl(tcp);
  const admin = { commonName: 'kubernetes-admin', organizations: [CLUSTER_ADMINS_GROUP] };
  const superAdmin = { commonName: 'kubernetes-super-admin', organizations: ['system:masters'] };
  // The *.svc kubeconfigs are the same users at the Service's address: same certificates, as Kamaji's.
  return kubeconfigSpec('adminKubeconfig', 'admin-kubeconfig', ca, { server, svcServer }, ADMIN_KUBECONFIG_KEYS, async () => {
    const [[adminConf = '', adminSvc = ''], [superAdminConf = '', superAdminSvc = '']] = await Promise.all([
      clientKubeconfigs(tcp, ca, [server, svcServer], admin),
      clientKubeconfigs(tcp, ca, [server, svcServer], superAdmin),
    ]);
    return { 'admin.conf': adminConf, 'super-admin.conf': superAdminConf, 'admin.svc': adminSvc, 'super-admin.svc': superAdminSvc };
  });
}

/** kube-controller-manager and kube-scheduler run beside kube-apiserver and reach it on loopback. */
function localServerUrl(tcp: TenantControlPlane): string {
  return `https://127.0.0.1:${apiServerPort(tcp)}`;
}

export function controllerManagerKubeconfigSpec(tcp: TenantControlPlane, ca: KeyPairPem): GeneratedSecretSpec {
  const server = localServerUrl(tcp);
  return kubeconfigSpec('controllerManagerKubeconfig', 'controller-manager-kubeconfig', ca, { server }, ['controller-manager.conf'], async () => ({
    'controller-manager.conf': await clientKubeconfig(tcp, ca, server, { commonName: 'system:kube-controller-manager' }),
  }));
}

export function schedulerKubeconfigSpec(tcp: TenantControlPlane, ca: KeyPairPem): GeneratedSecretSpec {
  const server = localServerUrl(tcp);
  return kubeconfigSpec('schedulerKubeconfig', 'scheduler-kubeconfig', ca, { server }, ['scheduler.conf'], async () => ({
    'scheduler.conf': await clientKubeconfig(tcp, ca, server, { commonName: 'system:kube-scheduler' }),
  }));
}

/** The konnectivity server authenticates to kube-apiserver with the konnectivity certificate. */
export function konnectivityKubeconfigSpec(
  tcp: TenantControlPlane,
  ca: KeyPairPem,
  konnectivityCertificate: KeyPairPem,
): GeneratedSecretSpec {
  const server = `https://localhost:${apiServerPort(tcp)}`;
  return kubeconfigSpec(
    'konnectivityKubeconfig',
    'konnectivity-kubeconfig',
    ca,
    { server, certificate: checksum(konnectivityCertificate.certificate) },
    ['konnectivity-server.conf'],
    async () => ({
      'konnectivity-server.conf': buildKubeconfig({
        clusterName: tcp.metadata.name ?? 'kubernetes',
        server,
        caCertificate: ca.certificate,
        userName: 'konnectivity-server',
        clientCertificate: konnectivityCertificate.certificate,
        clientKey: konnectivityCertificate.privateKey,
      }).yaml,
    }),
  );
}
