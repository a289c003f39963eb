import { describe, expect, test } from 'vitest';
import { createCertificateAuthority, parseCertificate, PkiError } from '../../../src/pki/index.ts';
import { openssl, withFiles } from './openssl.ts';

const DAY_MS = 86_400_000;

describe('createCertificateAuthority', async () => {
  const ca = await createCertificateAuthority({ commonName: 'kubernetes', organizations: ['kamaji'] });

  test('is a self-signed RSA 2048 CA that openssl accepts as its own trust anchor', () => {
    withFiles({ 'ca.pem': ca.certificate }, (path) => {
      expect(openssl(['verify', '-CAfile', path('ca.pem'), path('ca.pem')])).toContain(': OK');
      const text = openssl(['x509', '-in', path('ca.pem'), '-noout', '-text']);
      expect(text).toContain('Public-Key: (2048 bit)');
      expect(text).toContain('Signature Algorithm: sha256WithRSAEncryption');
      expect(text).toMatch(/Basic Constraints: critical\s+CA:TRUE/);
      expect(text).toMatch(/Key Usage: critical\s+Digital Signature, Key Encipherment, Certificate Sign/);
      expect(text).toContain('Subject Key Identifier');
    });
    expect(ca.privateKey).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
  });

  test('carries the subject and the default ten-year validity, starting a little in the past', () => {
    const info = parseCertificate(ca.certificate);
    expect(info).toMatchObject({ commonName: 'kubernetes', organizations: ['kamaji'], issuerCommonName: 'kubernetes', isCA: true });
    expect(info.notBefore.getTime()).toBeLessThan(Date.now() - 60_000);
    const days = (info.notAfter.getTime() - Date.now()) / DAY_MS;
    expect(days).toBeGreaterThan(3649);
    expect(days).toBeLessThanOrEqual(3650);
  });

  test('honours validityDays', async () => {
    const shortCa = await createCertificateAuthority({ commonName: 'front-proxy-ca', validityDays: 30 });
    const days = (parseCertificate(shortCa.certificate).notAfter.getTime() - Date.now()) / DAY_MS;
    expect(days).toBeGreaterThan(29);
    expect(days).toBeLessThanOrEqual(30);
  });

  test('gives every CA its own key and serial', async () => {
    const other = await createCertificateAuthority({ commonName: 'kubernetes' });
    expect(other.privateKey).not.toBe(ca.privateKey);
    const serial = (pem: string) => withFiles({ 'c.pem': pem }, (path) => openssl(['x509', '-in', path('c.pem'), '-noout', '-serial']));
    expect(serial(other.certificate)).not.toBe(serial(ca.certificate));
  });

  test.each([
    [{ commonName: '' }, 'commonName'],
    [{ commonName: 'ca', organizations: [''] }, 'organizations[0]'],
    [{ commonName: 'ca', validityDays: 0 }, 'validityDays'],
    [{ commonName: 'ca', validityDays: Number.NaN }, 'validityDays'],
  ])('rejects %j naming the field', async (opts, field) => {
    await expect(createCertificateAuthority(opts)).rejects.toThrow(expect.objectContaining({ name: 'PkiError', field }));
    await expect(createCertificateAuthority(opts)).rejects.toThrow(PkiError);
  });
});
