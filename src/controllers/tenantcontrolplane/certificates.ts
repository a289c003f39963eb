// Step 2a: the tenant's CAs, service-account keys and leaf certificates, with kubeadm's subjects
// and Kamaji's Secret names and keys (kamaji-features.md §3.2).
import { isIP } from 'node:net';
import { parseCidr, networkAddress } from '../../apis/network.ts';
import type { TenantControlPlane } from '../../apis/index.ts';
import { createCertificateAuthority, createServiceAccountKeyPair, issueCertificate, type KeyPairPem } from '../../pki/index.ts';
import type { GeneratedSecretSpec } from './generated-secret.ts';
import { checksum } from './names.ts';
import { serviceHost, type Endpoint } from './service.ts';

/** The group kubeadm (≥ 1.29) binds to cluster-admin through `kubeadm:cluster-admins`. */
export const CLUSTER_ADMINS_GROUP = 'kubeadm:cluster-admins';

export function serviceCidrs(tcp: TenantControlPlane): string[] {
  const network = tcp.spec.networkProfile ?? {};
  return network.serviceCidrs?.length ? network.serviceCidrs : [network.serviceCidr ?? '10.96.0.0/16'];
}

export function podCidrs(tcp: TenantControlPlane): string[] {
  const network = tcp.spec.networkProfile ?? {};
  return network.podCidrs?.length ? network.podCidrs : [network.podCidr ?? '10.244.0.0/16'];
}

export function clusterDomain(tcp: TenantControlPlane): string {
  return tcp.spec.networkProfile?.clusterDomain ?? 'cluster.local';
}

/** The tenant's `kubernetes` Service IP: the first address of the first service CIDR. */
export function kubernetesServiceIP(tcp: TenantControlPlane): string | undefined {
  const cidr = parseCidr(serviceCidrs(tcp)[0] ?? '');
  if (!cidr) return undefined;
  const network = networkAddress(cidr);
  if (cidr.family === 6) return network.endsWith('::') ? `${network}1` : undefined;
  const octets = network.split('.').map(Number);
  octets[3] = (octets[3] ?? 0) + 1;
  return octets.join('.');
}

/** The API server certificate's SANs: kubeadm's defaults plus Kamaji's and the user's. */
export function apiServerSubjectAltNames(
  tcp: TenantControlPlane,
  endpoint: Endpoint,
  clusterIP: string | undefined,
): { dnsNames: string[]; ipAddresses: string[] } {
  const name = tcp.metadata.name ?? '';
  const domain = clusterDomain(tcp);
  const network = tcp.spec.networkProfile ?? {};
  const candidates = [
    'kubernetes',
    'kubernetes.default',
    'kubernetes.default.svc',
    `kubernetes.default.svc.${domain}`,
    'localhost',
    '127.0.0.1',
    name,
    serviceHost(tcp),
    `${serviceHost(tcp)}.cluster.local`,
    endpoint.host,
    network.advertiseAddress,
    kubernetesServiceIP(tcp),
    clusterIP,
    ...(network.certSANs ?? []),
  ].filter((value): value is string => Boolean(value));
  const unique = [...new Set(candidates)];
  return {
    dnsNames: unique.filter((value) => isIP(value) === 0),
    ipAddresses: unique.filter((value) => isIP(value) !== 0),
  };
}

const pem = (data: Record<string, string>, ...keys: string[]) => keys.map((key) => data[key] ?? '');

export function caSpec(): GeneratedSecretSpec {
  return {
    purpose: 'ca',
    adoptable: true,
    component: 'ca',
    inputs: { commonName: 'kubernetes' },
    keys: ['ca.crt', 'ca.key', 'tls.crt', 'tls.key'],
    certificatesIn: (data) => pem(data, 'ca.crt'),
    generate: async () => {
      const ca = await createCertificateAuthority({ commonName: 'kubernetes' });
      return { 'ca.crt': ca.certificate, 'ca.key': ca.privateKey, 'tls.crt': ca.certificate, 'tls.key': ca.privateKey };
    },
  };
}

export function frontProxyCASpec(): GeneratedSecretSpec {
  return {
    purpose: 'frontProxyCA',
    adoptable: true,
    component: 'front-proxy-ca-certificate',
    inputs: { commonName: 'front-proxy-ca' },
    keys: ['front-proxy-ca.crt', 'front-proxy-ca.key'],
    certificatesIn: (data) => pem(data, 'front-proxy-ca.crt'),
    generate: async () => {
      const ca = await createCertificateAuthority({ commonName: 'front-proxy-ca' });
      return { 'front-proxy-ca.crt': ca.certificate, 'front-proxy-ca.key': ca.privateKey };
    },
  };
}

export function serviceAccountSpec(): GeneratedSecretSpec {
  return {
    purpose: 'sa',
    adoptable: true,
    component: 'sa-certificate',
    inputs: { algorithm: 'RSA-2048' },
    keys: ['sa.pub', 'sa.key'],
    certificatesIn: () => [],
    generate: async () => {
      const keys = await createServiceAccountKeyPair();
      return { 'sa.pub': keys.publicKey, 'sa.key': keys.privateKey };
    },
  };
}

/** A leaf certificate Secret `<prefix>.crt` / `<prefix>.key` signed by `ca`. */
function leafSpec(
  purpose: GeneratedSecretSpec['purpose'],
  component: string,
  prefix: string,
  ca: KeyPairPem,
  subject: Parameters<typeof issueCertificate>[1],
  type?: string,
): GeneratedSecretSpec {
  const [certKey, keyKey] = prefix === 'tls' ? ['tls.crt', 'tls.key'] : [`${prefix}.crt`, `${prefix}.key`];
  return {
    purpose,
    component,
    ...(type ? { type } : {}),
    inputs: { ca: checksum(ca.certificate), subject },
    keys: [certKey, keyKey],
    issuer: ca.certificate,
    certificatesIn: (data) => pem(data, certKey),
    generate: async () => {
      const issued = await issueCertificate(ca, subject);
      return { [certKey]: issued.certificate, [keyKey]: issued.privateKey };
    },
  };
}

export function apiServerCertificateSpec(
  tcp: TenantControlPlane,
  ca: KeyPairPem,
  endpoint: Endpoint,
  clusterIP: string | undefined,
): GeneratedSecretSpec {
  return leafSpec('apiServer', 'api-server-certificate', 'apiserver', ca, {
    commonName: 'kube-apiserver',
    usages: ['server'],
    ...apiServerSubjectAltNames(tcp, endpoint, clusterIP),
  });
}

export function apiServerKubeletClientSpec(ca: KeyPairPem): GeneratedSecretSpec {
  return leafSpec('apiServerKubeletClient', 'api-server-kubelet-client-certificate', 'apiserver-kubelet-client', ca, {
    commonName: 'kube-apiserver-kubelet-client',
    organizations: [CLUSTER_ADMINS_GROUP],
    usages: ['client'],
  });
}

export function frontProxyClientSpec(frontProxyCA: KeyPairPem): GeneratedSecretSpec {
  return leafSpec('frontProxyClient', 'front-proxy-client-certificate', 'front-proxy-client', frontProxyCA, {
    commonName: 'front-proxy-client',
    usages: ['client'],
  });
}

export function konnectivityCertificateSpec(ca: KeyPairPem): GeneratedSecretSpec {
  return leafSpec(
    'konnectivity',
    'konnectivity-certificate',
    'tls',
    ca,
    { commonName: 'system:konnectivity-server', organizations: ['system:masters'], usages: ['client'] },
    'kubernetes.io/tls',
  );
}

export function keyPair(data: Record<string, string>, certificateKey: string, privateKeyKey: string): KeyPairPem {
  return { certificate: data[certificateKey] ?? '', privateKey: data[privateKeyKey] ?? '' };
}
