import { describe, expect, test } from 'vitest';
import { createCertificateAuthority, expiresWithin, issueCertificate, parseCertificate } from '../../../src/pki/index.ts';
import { expiredOpensslCa, openssl, withFiles } from './openssl.ts';

describe('parseCertificate', async () => {
  const ca = await createCertificateAuthority({ commonName: 'kubernetes', organizations: ['kamaji'] });

  test('reads back what was issued', async () => {
    const leaf = await issueCertificate(ca, {
      commonName: 'system:node:worker-1',
      organizations: ['system:nodes', 'tenant_a@example'],
      dnsNames: ['worker-1', '*.apps.example.com'],
      ipAddresses: ['192.168.0.10', '2001:DB8:0:0::10', '::ffff:10.0.0.1'],
      usages: ['server', 'client'],
      validityDays: 7,
    });
    const info = parseCertificate(leaf.certificate);
    expect(info).toEqual({
      commonName: 'system:node:worker-1',
      organizations: ['system:nodes', 'tenant_a@example'],
      dnsNames: ['worker-1', '*.apps.example.com'],
      ipAddresses: ['192.168.0.10', '2001:db8::10', '::ffff:10.0.0.1'],
      notBefore: expect.any(Date),
      notAfter: expect.any(Date),
      issuerCommonName: 'kubernetes',
      isCA: false,
    });
    expect(info.notAfter.getTime() - info.notBefore.getTime()).toBeGreaterThan(7 * 86_400_000);
  });

  test('reads a CA', () => {
    expect(parseCertificate(ca.certificate)).toMatchObject({
      commonName: 'kubernetes',
      organizations: ['kamaji'],
      dnsNames: [],
      ipAddresses: [],
      issuerCommonName: 'kubernetes',
      isCA: true,
    });
  });

  test('reads certificates made elsewhere, whatever their key type and name quirks', () => {
    const pem = withFiles({}, (path) => {
      openssl([
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
        '-keyout', path('k.pem'), '-out', path('c.pem'), '-subj', '/O=a, b/O=c/CN=etcd\\, primary',
        '-addext', 'subjectAltName=DNS:etcd-0.etcd,IP:10.0.0.7,IP:fe80::1',
      ]);
      return openssl(['x509', '-in', path('c.pem')]);
    });
    expect(parseCertificate(pem)).toMatchObject({
      commonName: 'etcd, primary',
      organizations: ['a, b', 'c'],
      dnsNames: ['etcd-0.etcd'],
      ipAddresses: ['10.0.0.7', 'fe80::1'],
      isCA: true,
    });
  });

  test('rejects what is not a certificate', () => {
    expect(() => parseCertificate('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')).toThrow(
      expect.objectContaining({ name: 'PkiError', field: 'certificate' }),
    );
  });
});

describe('expiresWithin', async () => {
  const ca = await createCertificateAuthority({ commonName: 'kubernetes' });
  const shortLived = await issueCertificate(ca, { commonName: 'kubelet-bootstrap', usages: ['client'], validitySeconds: 300 });

  test('reports a short-lived certificate as expiring within a window longer than its life', () => {
    expect(expiresWithin(shortLived.certificate, 3600)).toBe(true);
    expect(expiresWithin(shortLived.certificate, 30 * 86_400)).toBe(true);
  });

  test('does not report it within a window shorter than what is left', () => {
    expect(expiresWithin(shortLived.certificate, 60)).toBe(false);
    expect(expiresWithin(ca.certificate, 365 * 86_400)).toBe(false);
  });

  test('reports an expired certificate for any window', () => {
    const { notAfter } = parseCertificate(shortLived.certificate);
    const later = new Date(notAfter.getTime() + 1000);
    expect(expiresWithin(shortLived.certificate, 0, later)).toBe(true);
    expect(expiresWithin(shortLived.certificate, 0, new Date(notAfter.getTime() - 10_000))).toBe(false);
  });

  test('rejects a window that is not a number of seconds', () => {
    expect(() => expiresWithin(shortLived.certificate, -1)).toThrow(expect.objectContaining({ field: 'seconds' }));
    expect(() => expiresWithin(shortLived.certificate, Number.NaN)).toThrow(expect.objectContaining({ field: 'seconds' }));
  });

  test('reports a certificate openssl made that expired in 2020', () => {
    const expired = expiredOpensslCa().certificate;
    expect(parseCertificate(expired).notAfter).toEqual(new Date('2020-01-02T00:00:00Z'));
    expect(expiresWithin(expired, 0)).toBe(true);
  });
});

