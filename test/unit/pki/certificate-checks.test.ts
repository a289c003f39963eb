import { describe, expect, test } from 'vitest';
import { createCertificateAuthority, isSignedBy, issueCertificate, matchesPrivateKey } from '../../../src/pki/index.ts';
import { openssl, withFiles } from './openssl.ts';

describe('isSignedBy / matchesPrivateKey', async () => {
  const ca = await createCertificateAuthority({ commonName: 'kubernetes' });
  const sameNameCa = await createCertificateAuthority({ commonName: 'kubernetes' });
  const leaf = await issueCertificate(ca, { commonName: 'kube-apiserver', dnsNames: ['localhost'], usages: ['server'] });

  test('isSignedBy tells the issuing CA from another CA, even one with the same name', () => {
    expect(isSignedBy(leaf.certificate, ca.certificate)).toBe(true);
    expect(isSignedBy(ca.certificate, ca.certificate)).toBe(true);
    expect(isSignedBy(leaf.certificate, sameNameCa.certificate)).toBe(false);
    expect(isSignedBy(ca.certificate, leaf.certificate)).toBe(false);
  });

  test('isSignedBy agrees with openssl for a leaf openssl signed', () => {
    const opensslLeaf = withFiles({ 'ca.pem': ca.certificate, 'ca.key': ca.privateKey }, (path) => {
      openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', path('k.pem'), '-out', path('r.csr'), '-subj', '/CN=x']);
      return openssl(['x509', '-req', '-in', path('r.csr'), '-CA', path('ca.pem'), '-CAkey', path('ca.key'), '-days', '1']);
    });
    expect(isSignedBy(opensslLeaf, ca.certificate)).toBe(true);
    expect(isSignedBy(opensslLeaf, sameNameCa.certificate)).toBe(false);
  });

  test('matchesPrivateKey pairs a certificate only with its own key, PKCS#1 or PKCS#8', () => {
    expect(matchesPrivateKey(leaf.certificate, leaf.privateKey)).toBe(true);
    expect(matchesPrivateKey(ca.certificate, ca.privateKey)).toBe(true);
    expect(matchesPrivateKey(leaf.certificate, ca.privateKey)).toBe(false);
    expect(matchesPrivateKey(sameNameCa.certificate, ca.privateKey)).toBe(false);
    const pkcs8 = openssl(['pkey'], leaf.privateKey);
    expect(pkcs8).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(matchesPrivateKey(leaf.certificate, pkcs8)).toBe(true);
  });

  test('bad PEM is an error naming the argument, not a quiet false', () => {
    expect(() => isSignedBy('garbage', ca.certificate)).toThrow(expect.objectContaining({ field: 'certificate' }));
    expect(() => isSignedBy(leaf.certificate, 'garbage')).toThrow(expect.objectContaining({ field: 'caCertificate' }));
    expect(() => matchesPrivateKey(leaf.certificate, leaf.certificate)).toThrow(expect.objectContaining({ field: 'privateKey' }));
  });
});
