import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { caCertificateHash, createCertificateAuthority } from '../../../src/pki/index.ts';
import { withFiles } from './openssl.ts';

describe('caCertificateHash', () => {
  test('equals the pin kubeadm documents: sha256 of the DER SubjectPublicKeyInfo', async () => {
    const ca = await createCertificateAuthority({ commonName: 'kubernetes' });
    const expected = withFiles({ 'ca.pem': ca.certificate }, (path) =>
      execFileSync(
        'bash',
        ['-c', `set -o pipefail; openssl x509 -pubkey -noout -in '${path('ca.pem')}' | openssl pkey -pubin -outform der | sha256sum`],
        { encoding: 'utf8' },
      ),
    ).split(' ')[0];
    expect(expected).toMatch(/^[0-9a-f]{64}$/);
    expect(caCertificateHash(ca.certificate)).toBe(`sha256:${expected}`);
  });

  test('differs between CAs and stays the same for one CA', async () => {
    const a = await createCertificateAuthority({ commonName: 'kubernetes' });
    const b = await createCertificateAuthority({ commonName: 'kubernetes' });
    expect(caCertificateHash(a.certificate)).toBe(caCertificateHash(a.certificate));
    expect(caCertificateHash(a.certificate)).not.toBe(caCertificateHash(b.certificate));
  });
});
