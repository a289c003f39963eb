// The client certificate chain of a connection is verified once, not on every request, and again
// whenever the trusted CAs change or a certificate's validity would change the outcome.
import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { authenticate } from '../../../src/apiserver/authentication.ts';
import { parseAuthenticationConfigMap, type AuthenticationConfig } from '../../../src/apiserver/authentication-config.ts';
import { ChainVerifications, verifyClientCertificate, type VerifyClientCertificate } from '../../../src/apiserver/client-certificate.ts';
import { FrontProxyAuthenticator } from '../../../src/apiserver/front-proxy-authenticator.ts';
import { X509Authenticator } from '../../../src/apiserver/x509-authenticator.ts';
import { createCertificateAuthority, issueCertificate, type KeyPairPem } from '../../../src/pki/index.ts';

let frontProxyCA: KeyPairPem;
let clientCA: KeyPairPem;
let rotatedClientCA: KeyPairPem;
let proxyClient: X509Certificate;
let alice: X509Certificate;

const configWith = (client: KeyPairPem, allowedNames = ['front-proxy-client']): AuthenticationConfig =>
  parseAuthenticationConfigMap({
    'client-ca-file': client.certificate,
    'requestheader-client-ca-file': frontProxyCA.certificate,
    'requestheader-allowed-names': JSON.stringify(allowedNames),
    'requestheader-username-headers': '["X-Remote-User"]',
    'requestheader-group-headers': '["X-Remote-Group"]',
    'requestheader-extra-headers-prefix': '["X-Remote-Extra-"]',
  });

beforeAll(async () => {
  frontProxyCA = await createCertificateAuthority({ commonName: 'front-proxy-ca' });
  clientCA = await createCertificateAuthority({ commonName: 'kubernetes' });
  rotatedClientCA = await createCertificateAuthority({ commonName: 'kubernetes-rotated' });
  const cert = async (ca: KeyPairPem, commonName: string, organizations: string[] = []) =>
    new X509Certificate((await issueCertificate(ca, { commonName, organizations, usages: ['client'] })).certificate);
  proxyClient = await cert(frontProxyCA, 'front-proxy-client');
  alice = await cert(clientCA, 'alice', ['team-a']);
});

/** The real verification, counted. */
function countingVerify() {
  const calls = { count: 0 };
  const verify: VerifyClientCertificate = (...args) => {
    calls.count++;
    return verifyClientCertificate(...args);
  };
  return { calls, verify };
}

describe('client certificate authentication verifies a connection once', () => {
  it('x509: one verification for many requests of a connection, one more for another connection', () => {
    const config = configWith(clientCA);
    const { calls, verify } = countingVerify();
    const x509 = new X509Authenticator(() => config, verify);
    const connection = [alice];
    const first = x509.authenticate({ certificates: connection, headers: {} });
    for (let i = 0; i < 5; i++) expect(x509.authenticate({ certificates: connection, headers: {} })).toEqual(first);
    expect(first).toMatchObject({ user: { username: 'alice', groups: ['team-a'] } });
    expect(calls.count).toBe(1);
    x509.authenticate({ certificates: [alice], headers: {} });
    expect(calls.count).toBe(2);
  });

  it('x509: a request that changes its user does not change the next request’s', () => {
    const config = configWith(clientCA);
    const x509 = new X509Authenticator(() => config);
    const connection = [alice];
    const first = x509.authenticate({ certificates: connection, headers: {} }) as { user: { groups: string[]; extra: Record<string, string[]> } };
    first.user.groups.push('system:masters');
    first.user.extra['authentication.kubernetes.io/credential-id']!.push('forged');
    const second = x509.authenticate({ certificates: connection, headers: {} }) as { user: { groups: string[]; extra: Record<string, string[]> } };
    expect(second.user.groups).toEqual(['team-a']);
    expect(second.user.extra['authentication.kubernetes.io/credential-id']).toHaveLength(1);
  });

  it('x509: a CA rotation re-verifies: a remembered success does not outlive the CA that signed it', () => {
    let config = configWith(clientCA);
    const { calls, verify } = countingVerify();
    const x509 = new X509Authenticator(() => config, verify);
    const connection = [alice];
    expect(x509.authenticate({ certificates: connection, headers: {} })).toMatchObject({ user: { username: 'alice' } });
    config = configWith(rotatedClientCA);
    expect(x509.authenticate({ certificates: connection, headers: {} })).toEqual({ error: 'x509: certificate signed by unknown authority' });
    expect(x509.authenticate({ certificates: connection, headers: {} })).toEqual({ error: 'x509: certificate signed by unknown authority' });
    expect(calls.count).toBe(2);
    // And a remembered refusal is decided again once the CA is trusted again.
    config = configWith(clientCA);
    expect(x509.authenticate({ certificates: connection, headers: {} })).toMatchObject({ user: { username: 'alice' } });
    expect(calls.count).toBe(3);
  });

  it('front proxy: verified once per connection, the headers still read per request; a new configuration decides again', () => {
    let config = configWith(clientCA);
    const { calls, verify } = countingVerify();
    const frontProxy = new FrontProxyAuthenticator(() => config, verify);
    const connection = [proxyClient];
    expect(frontProxy.authenticate({ certificates: connection, headers: { 'x-remote-user': ['bob'] } })).toEqual({ user: { username: 'bob', groups: [] } });
    expect(frontProxy.authenticate({ certificates: connection, headers: { 'x-remote-user': ['carol'], 'x-remote-group': ['g'] } })).toEqual({
      user: { username: 'carol', groups: ['g'] },
    });
    expect(calls.count).toBe(1);
    // The allowed names change with the configuration: the same connection is refused now.
    config = configWith(clientCA, ['another-proxy']);
    expect(frontProxy.authenticate({ certificates: connection, headers: { 'x-remote-user': ['bob'] } })).toEqual({
      error: 'x509: subject with cn=front-proxy-client is not in the allowed list',
    });
    expect(frontProxy.authenticate({ certificates: connection, headers: { 'x-remote-user': ['bob'] } })).toEqual({
      error: 'x509: subject with cn=front-proxy-client is not in the allowed list',
    });
    expect(calls.count).toBe(2);
  });

  it('the chain of front proxy then x509: a client certificate connection costs one verification each, once', async () => {
    const config = configWith(clientCA);
    const { calls, verify } = countingVerify();
    const chain = [new FrontProxyAuthenticator(() => config, verify), new X509Authenticator(() => config, verify)];
    const connection = [alice];
    for (let i = 0; i < 4; i++) {
      expect(await authenticate(chain, { certificates: connection, headers: { 'x-remote-user': ['mallory'] } })).toMatchObject({
        user: { username: 'alice' },
      });
    }
    expect(calls.count).toBe(2);
  });
});

describe('ChainVerifications', () => {
  it('decides again once a certificate involved stops being valid', () => {
    const { calls, verify } = countingVerify();
    const verifications = new ChainVerifications<string | undefined>(verify);
    const roots = configWith(clientCA).clientCertificateAuthorities;
    const trust = {};
    const connection = [alice];
    const now = new Date();
    expect(verifications.conclude(connection, trust, roots, (failure) => failure, now)).toBeUndefined();
    expect(verifications.conclude(connection, trust, roots, (failure) => failure, new Date(now.getTime() + 1000))).toBeUndefined();
    expect(calls.count).toBe(1);
    const expired = new Date(alice.validToDate.getTime() + 1000);
    expect(verifications.conclude(connection, trust, roots, (failure) => failure, expired)).toBe('x509: certificate has expired or is not yet valid');
    expect(calls.count).toBe(2);
  });

  it('a different trust object is a different decision, even for the same CAs', () => {
    const { calls, verify } = countingVerify();
    const verifications = new ChainVerifications<string | undefined>(verify);
    const roots = configWith(clientCA).clientCertificateAuthorities;
    const connection = [alice];
    verifications.conclude(connection, {}, roots, (failure) => failure);
    verifications.conclude(connection, {}, roots, (failure) => failure);
    expect(calls.count).toBe(2);
  });
});
