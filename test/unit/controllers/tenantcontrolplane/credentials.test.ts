import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { createCertificateAuthority, isSignedBy, issueCertificate, parseCertificate } from '../../../../src/pki/index.ts';
import {
  apiServerSubjectAltNames,
  caSpec,
  apiServerCertificateSpec,
  kubernetesServiceIP,
} from '../../../../src/controllers/tenantcontrolplane/certificates.ts';
import { regenerationReason } from '../../../../src/controllers/tenantcontrolplane/generated-secret.ts';
import { adminKubeconfigSpec, kubeconfigClientCertificates } from '../../../../src/controllers/tenantcontrolplane/kubeconfigs.ts';
import { checksum } from '../../../../src/controllers/tenantcontrolplane/names.ts';
import { tenantControlPlane } from './fixtures.ts';

const endpoint = { host: '10.96.3.4', port: 6443 };

describe('API server certificate SANs', () => {
  test("kubeadm's names, the Service names, the endpoint, the tenant kubernetes Service IP and certSANs", () => {
    const tcp = tenantControlPlane({ networkProfile: { certSANs: ['api.tenant.example', '198.51.100.7'], advertiseAddress: '192.0.2.9' } });
    const sans = apiServerSubjectAltNames(tcp, endpoint, '10.96.3.4');
    expect(sans.dnsNames).toEqual([
      'kubernetes',
      'kubernetes.default',
      'kubernetes.default.svc',
      'kubernetes.default.svc.cluster.local',
      'localhost',
      'tenant-a',
      'tenant-a.team-a.svc',
      'tenant-a.team-a.svc.cluster.local',
      'api.tenant.example',
    ]);
    expect(sans.ipAddresses).toEqual(['127.0.0.1', '10.96.3.4', '192.0.2.9', '10.96.0.1', '198.51.100.7']);
  });

  test('the tenant kubernetes Service IP is the first address of the first service CIDR', () => {
    expect(kubernetesServiceIP(tenantControlPlane({ networkProfile: { serviceCidrs: ['10.100.0.0/16'] } }))).toBe('10.100.0.1');
    expect(kubernetesServiceIP(tenantControlPlane({ networkProfile: { serviceCidrs: ['fd00:10:96::/112'] } }))).toBe('fd00:10:96::1');
  });
});

describe('regenerationReason', async () => {
  const ca = await createCertificateAuthority({ commonName: 'kubernetes' });
  const tcp = tenantControlPlane();
  const spec = apiServerCertificateSpec(tcp, ca, endpoint, undefined);
  const fresh = async () => ({ data: await spec.generate(), annotations: { 'kamaji.clastix.io/checksum': checksum(spec.inputs) } });

  test('a fitting Secret is kept', async () => {
    expect(regenerationReason(await fresh(), spec)).toBeUndefined();
  });

  test('missing, rotation requested, inputs changed, missing key', async () => {
    expect(regenerationReason(undefined, spec)).toBe('missing');
    const existing = await fresh();
    expect(regenerationReason({ ...existing, annotations: { ...existing.annotations, 'certs.kamaji.clastix.io/rotate': '' } }, spec)).toBe('rotation requested');
    const moved = apiServerCertificateSpec(tcp, ca, { host: '10.96.9.9', port: 6443 }, undefined);
    expect(regenerationReason(existing, moved)).toBe('inputs changed');
    expect(regenerationReason({ ...existing, data: { 'apiserver.crt': existing.data['apiserver.crt'] ?? '' } }, spec)).toBe('invalid');
  });

  test('a certificate within the renewal threshold (24 h) is renewed', async () => {
    const shortLived = await issueCertificate(ca, { commonName: 'kube-apiserver', usages: ['server'], validitySeconds: 3600 });
    const existing = await fresh();
    existing.data['apiserver.crt'] = shortLived.certificate;
    existing.data['apiserver.key'] = shortLived.privateKey;
    expect(regenerationReason(existing, spec)).toBe('expiring');
  });

  test('a certificate signed by another CA is re-issued', async () => {
    const otherCA = await createCertificateAuthority({ commonName: 'other' });
    const existing = await fresh();
    const foreign = await issueCertificate(otherCA, { commonName: 'kube-apiserver', usages: ['server'] });
    existing.data['apiserver.crt'] = foreign.certificate;
    expect(regenerationReason(existing, spec)).toBe('issuer changed');
  });

  test('garbage instead of a certificate is invalid', async () => {
    const existing = await fresh();
    existing.data['apiserver.crt'] = 'not a certificate';
    expect(regenerationReason(existing, spec)).toBe('invalid');
  });

  test('the CA keeps Kamaji keys, tls.* copies included', async () => {
    const data = await caSpec().generate();
    expect(Object.keys(data).sort()).toEqual(['ca.crt', 'ca.key', 'tls.crt', 'tls.key']);
    expect(parseCertificate(data['ca.crt'] ?? '')).toMatchObject({ commonName: 'kubernetes', isCA: true });
  });
});

describe('admin kubeconfig', () => {
  test('four keys; *.svc point at the Service; admin is kubeadm:cluster-admins, super-admin system:masters', async () => {
    const ca = await createCertificateAuthority({ commonName: 'kubernetes' });
    const data = await adminKubeconfigSpec(tenantControlPlane(), ca, endpoint).generate();
    expect(Object.keys(data).sort()).toEqual(['admin.conf', 'admin.svc', 'super-admin.conf', 'super-admin.svc']);
    const server = (key: string) => (parse(data[key] ?? '') as { clusters: { cluster: { server: string } }[] }).clusters[0]?.cluster.server;
    expect(server('admin.conf')).toBe('https://10.96.3.4:6443');
    expect(server('super-admin.svc')).toBe('https://tenant-a.team-a.svc:6443');
    const [admin] = kubeconfigClientCertificates(data['admin.conf'] ?? '');
    const [superAdmin] = kubeconfigClientCertificates(data['super-admin.conf'] ?? '');
    expect(parseCertificate(admin ?? '')).toMatchObject({ commonName: 'kubernetes-admin', organizations: ['kubeadm:cluster-admins'] });
    expect(parseCertificate(superAdmin ?? '')).toMatchObject({ commonName: 'kubernetes-super-admin', organizations: ['system:masters'] });
    expect(isSignedBy(admin ?? '', ca.certificate)).toBe(true);
    // One key per user, not per server URL: the .svc kubeconfigs carry the same certificates.
    expect(kubeconfigClientCertificates(data['admin.svc'] ?? '')).toEqual([admin]);
    expect(kubeconfigClientCertificates(data['super-admin.svc'] ?? '')).toEqual([superAdmin]);
    expect(admin).not.toBe(superAdmin);
  });
});

describe('bringing your own CA', () => {
  test('a valid CA Secret made by someone else is adopted as it is; an invalid one is replaced', async () => {
    const own = await createCertificateAuthority({ commonName: 'my-company-ca' });
    const data = { 'ca.crt': own.certificate, 'ca.key': own.privateKey, 'tls.crt': own.certificate, 'tls.key': own.privateKey };
    expect(regenerationReason({ data, annotations: {} }, caSpec())).toBeUndefined();
    expect(regenerationReason({ data: { 'ca.crt': own.certificate }, annotations: {} }, caSpec())).toBe('invalid');
  });

  test('leaf certificates are never adopted: one without our checksum is re-issued', async () => {
    const ca = await createCertificateAuthority({ commonName: 'kubernetes' });
    const spec = apiServerCertificateSpec(tenantControlPlane(), ca, endpoint, undefined);
    expect(regenerationReason({ data: await spec.generate(), annotations: {} }, spec)).toBe('inputs changed');
  });
});
