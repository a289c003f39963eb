import forge from 'node-forge';
import { X509Certificate } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import {
  createCertificateAuthority,
  issueCertificate,
  matchesPrivateKey,
  parseCertificate,
  type KeyPairPem,
} from '../../../src/pki/index.ts';
import { expiredOpensslCa, openssl, opensslStatus, withFiles } from './openssl.ts';

const DAY_MS = 86_400_000;

function opensslText(pem: string): string {
  return withFiles({ 'c.pem': pem }, (path) => openssl(['x509', '-in', path('c.pem'), '-noout', '-text']));
}

function opensslVerify(caPem: string, leafPem: string, purpose?: 'sslserver' | 'sslclient') {
  return withFiles({ 'ca.pem': caPem, 'leaf.pem': leafPem }, (path) =>
    opensslStatus(['verify', ...(purpose ? ['-purpose', purpose] : []), '-CAfile', path('ca.pem'), path('leaf.pem')]),
  );
}

// The issuer name as DER bytes, and the subject name likewise: Go links them by byte equality.
function rawName(pem: string, which: 'issuer' | 'subject'): string {
  const tbs = (forge.asn1.fromDer(new X509Certificate(pem).raw.toString('binary')).value as forge.asn1.Asn1[])[0]!;
  return forge.asn1.toDer((tbs.value as forge.asn1.Asn1[])[which === 'issuer' ? 3 : 5]!).toHex();
}

const ca = await createCertificateAuthority({ commonName: 'kubernetes' });
const server = await issueCertificate(ca, {
  commonName: 'kube-apiserver',
  dnsNames: ['localhost', 'tenant-00', 'tenant-00.default.svc', 'tenant-00.default.svc.cluster.local'],
  ipAddresses: ['127.0.0.1', '10.96.0.1', 'fd00:10:96::1'],
  usages: ['server'],
});

describe('issueCertificate', () => {

  test('issues a leaf that `openssl verify` accepts against the CA, for the purpose asked', async () => {
    expect(opensslVerify(ca.certificate, server.certificate, 'sslserver')).toMatchObject({ ok: true });
    const other = await createCertificateAuthority({ commonName: 'kubernetes' });
    const foreign = opensslVerify(other.certificate, server.certificate);
    expect(foreign.ok).toBe(false);
    expect(foreign.output).toContain('unable to get local issuer certificate');
  });

  test('carries the SANs (DNS, IPv4, IPv6) and only the EKU asked for, as openssl reads them', () => {
    const text = opensslText(server.certificate);
    expect(text).toContain(
      'DNS:localhost, DNS:tenant-00, DNS:tenant-00.default.svc, DNS:tenant-00.default.svc.cluster.local, ' +
        'IP Address:127.0.0.1, IP Address:10.96.0.1, IP Address:FD00:10:96:0:0:0:0:1',
    );
    expect(text).toMatch(/Extended Key Usage: \n\s+TLS Web Server Authentication\n/);
    expect(text).toMatch(/Key Usage: critical\s+Digital Signature, Key Encipherment\n/);
    expect(text).toMatch(/Basic Constraints: critical\s+CA:FALSE/);
    expect(text).toContain('Signature Algorithm: sha256WithRSAEncryption');
    expect(text).toContain('Public-Key: (2048 bit)');
  });

  test('links to the CA through authorityKeyIdentifier = the CA subjectKeyIdentifier', () => {
    const ski = opensslText(ca.certificate).match(/Subject Key Identifier: \n\s+([0-9A-F:]+)/)?.[1];
    const aki = opensslText(server.certificate).match(/Authority Key Identifier: \n\s+(?:keyid:)?([0-9A-F:]+)/)?.[1];
    expect(ski).toMatch(/^[0-9A-F]{2}(:[0-9A-F]{2}){19}$/);
    expect(aki).toBe(ski);
    expect(opensslText(server.certificate)).toMatch(/Subject Key Identifier: \n\s+[0-9A-F:]+/);
  });

  test('a client certificate gets clientAuth only and its organizations as groups', async () => {
    const admin = await issueCertificate(ca, { commonName: 'kubernetes-admin', organizations: ['system:masters'], usages: ['client'] });
    expect(opensslVerify(ca.certificate, admin.certificate, 'sslclient')).toMatchObject({ ok: true });
    const serverPurpose = opensslVerify(ca.certificate, admin.certificate, 'sslserver');
    expect(serverPurpose.ok).toBe(false);
    expect(serverPurpose.output).toContain('unsuitable certificate purpose');
    const text = opensslText(admin.certificate);
    expect(text).toMatch(/Extended Key Usage: \n\s+TLS Web Client Authentication\n/);
    expect(text).not.toContain('Subject Alternative Name');
    expect(text).toContain('Subject: O = system:masters, CN = kubernetes-admin');
  });

  test('both usages give both EKUs', async () => {
    const both = await issueCertificate(ca, { commonName: 'konnectivity', usages: ['server', 'client'], dnsNames: ['localhost'] });
    expect(opensslText(both.certificate)).toMatch(
      /Extended Key Usage: \n\s+TLS Web Server Authentication, TLS Web Client Authentication\n/,
    );
  });

  test('returns a fresh PKCS#1 private key that belongs to the certificate, not the CA key', () => {
    expect(server.privateKey).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    expect(matchesPrivateKey(server.certificate, server.privateKey)).toBe(true);
    expect(server.privateKey).not.toBe(ca.privateKey);
  });

  test('defaults to 365 days; validityDays and validitySeconds (which wins) change it', async () => {
    const lifetimeMs = (leaf: KeyPairPem) => parseCertificate(leaf.certificate).notAfter.getTime() - Date.now();
    const defaulted = lifetimeMs(await issueCertificate(ca, { commonName: 'a', usages: ['client'] }));
    expect(defaulted / DAY_MS).toBeGreaterThan(364);
    expect(defaulted / DAY_MS).toBeLessThanOrEqual(365);
    const tenDays = lifetimeMs(await issueCertificate(ca, { commonName: 'a', usages: ['client'], validityDays: 10 }));
    expect(tenDays / DAY_MS).toBeGreaterThan(9);
    expect(tenDays / DAY_MS).toBeLessThanOrEqual(10);
    const tenMinutes = lifetimeMs(
      await issueCertificate(ca, { commonName: 'a', usages: ['client'], validityDays: 10, validitySeconds: 600 }),
    );
    expect(tenMinutes).toBeGreaterThan(0);
    expect(tenMinutes).toBeLessThanOrEqual(600_000);
    const info = parseCertificate((await issueCertificate(ca, { commonName: 'a', usages: ['client'] })).certificate);
    expect(info.notBefore.getTime()).toBeLessThan(Date.now() - 60_000);
  });

  test('never outlives its CA', async () => {
    const shortCa = await createCertificateAuthority({ commonName: 'short', validityDays: 2 });
    const leaf = await issueCertificate(shortCa, { commonName: 'a', usages: ['client'], validityDays: 365 });
    expect(parseCertificate(leaf.certificate).notAfter).toEqual(parseCertificate(shortCa.certificate).notAfter);
  });

  test('refuses to issue from an expired CA', async () => {
    await expect(issueCertificate(expiredOpensslCa(), { commonName: 'a', usages: ['client'] })).rejects.toThrow(
      expect.objectContaining({ field: 'ca.certificate', message: 'ca.certificate: expired at 2020-01-02T00:00:00.000Z' }),
    );
  });

  test('copies the CA subject byte for byte as issuer, also from a CA made by openssl', async () => {
    expect(rawName(server.certificate, 'issuer')).toBe(rawName(ca.certificate, 'subject'));
    // Multi-valued RDN and PrintableString/UTF8String mix: names node-forge cannot re-encode itself.
    const opensslCa = withFiles({}, (path) => {
      openssl([
        'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-keyout', path('ca.key'), '-out', path('ca.pem'),
        '-subj', '/C=DE/O=Example+OU=Etcd/CN=etcd-ca', '-addext', 'basicConstraints=critical,CA:TRUE',
      ]);
      return { certificate: openssl(['x509', '-in', path('ca.pem')]), privateKey: openssl(['pkey', '-in', path('ca.key')]) };
    });
    const etcdClient = await issueCertificate(opensslCa, { commonName: 'tenant-00', organizations: ['system:masters'], usages: ['client'] });
    expect(rawName(etcdClient.certificate, 'issuer')).toBe(rawName(opensslCa.certificate, 'subject'));
    expect(opensslVerify(opensslCa.certificate, etcdClient.certificate, 'sslclient')).toMatchObject({ ok: true });
  });

  test('deduplicates SANs, also differently spelled IPv6 addresses', async () => {
    const leaf = await issueCertificate(ca, {
      commonName: 'a',
      usages: ['server'],
      dnsNames: ['localhost', 'localhost'],
      ipAddresses: ['::1', '0:0:0:0:0:0:0:1', '127.0.0.1'],
    });
    expect(parseCertificate(leaf.certificate)).toMatchObject({ dnsNames: ['localhost'], ipAddresses: ['::1', '127.0.0.1'] });
  });

  test.each([
    [{ commonName: '', usages: ['server'] }, 'commonName'],
    [{ commonName: 'a', usages: [] }, 'usages'],
    [{ commonName: 'a', usages: ['peer'] }, 'usages[0]'],
    [{ commonName: 'a', usages: ['server'], dnsNames: ['ok', 'bad name'] }, 'dnsNames[1]'],
    [{ commonName: 'a', usages: ['server'], dnsNames: ['10.0.0.1'] }, 'dnsNames[0]'],
    [{ commonName: 'a', usages: ['server'], ipAddresses: ['10.0.0.256'] }, 'ipAddresses[0]'],
    [{ commonName: 'a', usages: ['server'], ipAddresses: ['fe80::1%eth0'] }, 'ipAddresses[0]'],
    [{ commonName: 'a', usages: ['server'], ipAddresses: ['example.com'] }, 'ipAddresses[0]'],
    [{ commonName: 'a', usages: ['server'], validityDays: -1 }, 'validityDays'],
    [{ commonName: 'a', usages: ['server'], validitySeconds: 0 }, 'validitySeconds'],
  ])('rejects %j naming the field', async (opts, field) => {
    await expect(issueCertificate(ca, opts as never)).rejects.toThrow(expect.objectContaining({ name: 'PkiError', field }));
  });

  test('rejects a CA that is not one, a key that is not the CA key, and garbage', async () => {
    const reject = (issuer: KeyPairPem, field: string, message: RegExp) =>
      expect(issueCertificate(issuer, { commonName: 'a', usages: ['client'] })).rejects.toThrow(
        expect.objectContaining({ field, message: expect.stringMatching(message) }),
      );
    await reject(server, 'ca.certificate', /not a CA certificate/);
    await reject({ certificate: ca.certificate, privateKey: server.privateKey }, 'ca.privateKey', /does not belong/);
    await reject({ certificate: 'not a pem', privateKey: ca.privateKey }, 'ca.certificate', /not a PEM-encoded X.509 certificate/);
    await reject({ certificate: ca.certificate, privateKey: 'nope' }, 'ca.privateKey', /not an unencrypted PEM-encoded private key/);
  });

  test('error messages never carry key material', async () => {
    try {
      await issueCertificate({ certificate: ca.certificate, privateKey: server.privateKey }, { commonName: 'a', usages: ['client'] });
      expect.unreachable();
    } catch (error) {
      expect(String(error)).not.toContain('PRIVATE KEY');
      expect(String(error)).not.toContain(server.privateKey.split('\n')[1]);
    }
  });
});
