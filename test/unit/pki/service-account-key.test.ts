import { createPublicKey, sign, verify } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { createServiceAccountKeyPair } from '../../../src/pki/index.ts';
import { openssl } from './openssl.ts';

describe('createServiceAccountKeyPair', async () => {
  const pair = await createServiceAccountKeyPair();

  test('is an RSA 2048 pair in the PEM forms kube-apiserver reads (sa.pub, sa.key)', () => {
    expect(pair.publicKey).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(pair.privateKey).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    expect(openssl(['pkey', '-pubin', '-noout', '-text'], pair.publicKey)).toContain('Public-Key: (2048 bit)');
    expect(openssl(['pkey', '-check', '-noout'], pair.privateKey)).toContain('Key is valid');
  });

  test('the public key verifies what the private key signs (RS256, as service account tokens)', async () => {
    const payload = Buffer.from('header.claims');
    const signature = sign('sha256', payload, pair.privateKey);
    expect(verify('sha256', payload, pair.publicKey, signature)).toBe(true);
    expect(verify('sha256', payload, (await createServiceAccountKeyPair()).publicKey, signature)).toBe(false);
    expect(createPublicKey(pair.privateKey).export({ type: 'spki', format: 'pem' })).toBe(pair.publicKey);
  });
});
