import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { authenticate } from '../../../src/apiserver/authentication.ts';
import { parseAuthenticationConfigMap, type AuthenticationConfig } from '../../../src/apiserver/authentication-config.ts';
import { verifyClientCertificate } from '../../../src/apiserver/client-certificate.ts';
import { FrontProxyAuthenticator, frontProxyHeaderNames } from '../../../src/apiserver/front-proxy-authenticator.ts';
import { TokenAuthenticator, type TokenReviewStatus } from '../../../src/apiserver/token-authenticator.ts';
import { X509Authenticator } from '../../../src/apiserver/x509-authenticator.ts';
import { createCertificateAuthority, issueCertificate, type KeyPairPem } from '../../../src/pki/index.ts';

let frontProxyCA: KeyPairPem;
let clientCA: KeyPairPem;
let proxyClient: X509Certificate;
let otherProxy: X509Certificate;
let alice: X509Certificate;
let serverOnly: X509Certificate;
let config: AuthenticationConfig;

beforeAll(async () => {
  frontProxyCA = await createCertificateAuthority({ commonName: 'front-proxy-ca' });
  clientCA = await createCertificateAuthority({ commonName: 'kubernetes' });
  const cert = async (ca: KeyPairPem, commonName: string, organizations: string[] = [], usages: ('client' | 'server')[] = ['client']) =>
    new X509Certificate((await issueCertificate(ca, { commonName, organizations, usages })).certificate);
  proxyClient = await cert(frontProxyCA, 'front-proxy-client');
  otherProxy = await cert(frontProxyCA, 'somebody-else');
  alice = await cert(clientCA, 'alice', ['team-a', 'team-b']);
  serverOnly = await cert(clientCA, 'server', [], ['server']);
  config = parseAuthenticationConfigMap({
    'client-ca-file': clientCA.certificate,
    'requestheader-client-ca-file': frontProxyCA.certificate,
    'requestheader-allowed-names': '["front-proxy-client"]',
    'requestheader-username-headers': '["X-Remote-User"]',
    'requestheader-group-headers': '["X-Remote-Group"]',
    'requestheader-extra-headers-prefix': '["X-Remote-Extra-"]',
    'requestheader-uid-headers': 'null',
  });
});

describe('parseAuthenticationConfigMap', () => {
  it('reads the CA bundles and the JSON header lists', () => {
    expect(config.clientCertificateAuthorities).toHaveLength(1);
    expect(config.requestHeader).toMatchObject({
      allowedNames: ['front-proxy-client'],
      usernameHeaders: ['X-Remote-User'],
      groupHeaders: ['X-Remote-Group'],
      extraHeaderPrefixes: ['X-Remote-Extra-'],
      uidHeaders: [],
    });
  });
  it('has no request header part without the front-proxy CA, and names a malformed key', () => {
    expect(parseAuthenticationConfigMap({ 'client-ca-file': clientCA.certificate }).requestHeader).toBeUndefined();
    expect(() =>
      parseAuthenticationConfigMap({ 'requestheader-client-ca-file': frontProxyCA.certificate, 'requestheader-allowed-names': 'x' }),
    ).toThrow('requestheader-allowed-names: is not a JSON array of strings');
  });
});

describe('verifyClientCertificate', () => {
  it('accepts a chain to the CA and names what is wrong otherwise', () => {
    const roots = config.requestHeader!.certificateAuthorities;
    expect(verifyClientCertificate([proxyClient], roots)).toBeUndefined();
    expect(verifyClientCertificate([alice], roots)).toBe('x509: certificate signed by unknown authority');
    expect(verifyClientCertificate([serverOnly], config.clientCertificateAuthorities)).toBe(
      'x509: certificate specifies an incompatible key usage',
    );
    expect(verifyClientCertificate([proxyClient], roots, new Date(Date.now() + 400 * 86_400_000))).toBe(
      'x509: certificate has expired or is not yet valid',
    );
  });
  it('trusts only the given CAs, never a root the client presents along with its certificate', async () => {
    const root = await createCertificateAuthority({ commonName: 'root' });
    const leaf = new X509Certificate((await issueCertificate(root, { commonName: 'x', usages: ['client'] })).certificate);
    expect(verifyClientCertificate([leaf], [new X509Certificate(root.certificate)])).toBeUndefined();
    expect(verifyClientCertificate([leaf, new X509Certificate(root.certificate)], config.clientCertificateAuthorities)).toBe(
      'x509: certificate signed by unknown authority',
    );
  });
});

describe('front proxy', () => {
  const frontProxy = () => new FrontProxyAuthenticator(() => config);
  it('reads user, every group value (commas kept) and %-decoded lower-cased extras', () => {
    const result = frontProxy().authenticate({
      certificates: [proxyClient],
      headers: {
        'x-remote-user': ['alice', 'ignored'],
        'x-remote-group': ['a,b', 'system:masters'],
        'x-remote-extra-scopes': ['s1', 's2'],
        'x-remote-extra-example.com%2fkey': ['v'],
        'x-remote-uid': ['not-configured'],
      },
    });
    expect(result).toEqual({
      user: { username: 'alice', groups: ['a,b', 'system:masters'], extra: { scopes: ['s1', 's2'], 'example.com/key': ['v'] } },
    });
  });
  it('refuses a certificate whose CN is not allowed, and one from another CA', () => {
    expect(frontProxy().authenticate({ certificates: [otherProxy], headers: { 'x-remote-user': ['x'] } })).toEqual({
      error: 'x509: subject with cn=somebody-else is not in the allowed list',
    });
    expect(frontProxy().authenticate({ certificates: [alice], headers: { 'x-remote-user': ['x'] } })).toEqual({
      error: 'x509: certificate signed by unknown authority',
    });
  });
  it('is not the one to answer without a certificate or without a user header', () => {
    expect(frontProxy().authenticate({ certificates: [], headers: { 'x-remote-user': ['x'] } })).toBeUndefined();
    expect(frontProxy().authenticate({ certificates: [proxyClient], headers: {} })).toBeUndefined();
  });
  it('lists the headers to strip', () => {
    expect(frontProxyHeaderNames(config, ['x-remote-user', 'x-remote-extra-a', 'accept', 'x-remote-group'])).toEqual([
      'x-remote-user',
      'x-remote-extra-a',
      'x-remote-group',
    ]);
  });
});

describe('authentication chain', () => {
  const chain = (reviewer?: (token: string) => Promise<TokenReviewStatus>) => [
    new FrontProxyAuthenticator(() => config),
    new X509Authenticator(() => config),
    ...(reviewer ? [new TokenAuthenticator({ review: reviewer })] : []),
  ];

  it('authenticates a client certificate: CN user, O groups, credential id, system:authenticated', async () => {
    const outcome = await authenticate(chain(), { certificates: [alice], headers: { 'x-remote-user': ['mallory'] } });
    expect(outcome).toMatchObject({ user: { username: 'alice', groups: ['team-a', 'team-b', 'system:authenticated'] } });
    expect((outcome as { user: { extra: Record<string, string[]> } }).user.extra['authentication.kubernetes.io/credential-id']![0]).toMatch(
      /^X509SHA256=[0-9a-f]{64}$/,
    );
  });

  it('is anonymous without credentials and refuses (never anonymous) a bad certificate', async () => {
    expect(await authenticate(chain(), { certificates: [], headers: { 'x-remote-user': ['admin'] } })).toEqual({
      user: { username: 'system:anonymous', groups: ['system:unauthenticated'] },
    });
    const stranger = new X509Certificate(
      (await issueCertificate(await createCertificateAuthority({ commonName: 'evil' }), { commonName: 'x', usages: ['client'] })).certificate,
    );
    expect(await authenticate(chain(), { certificates: [stranger], headers: {} })).toEqual({
      errors: ['x509: certificate signed by unknown authority', 'x509: certificate signed by unknown authority'],
    });
  });

  it('reviews a bearer token once per 10 s and keeps failures too', async () => {
    const seen: string[] = [];
    const reviewer = async (token: string): Promise<TokenReviewStatus> => {
      seen.push(token);
      return token === 'good'
        ? { authenticated: true, user: { username: 'system:serviceaccount:monitoring:prometheus', groups: ['system:serviceaccounts'] } }
        : { authenticated: false, error: 'invalid token' };
    };
    const authenticators = chain(reviewer);
    const good = { certificates: [], headers: { authorization: ['Bearer good'] } };
    expect(await authenticate(authenticators, good)).toEqual({
      user: {
        username: 'system:serviceaccount:monitoring:prometheus',
        groups: ['system:serviceaccounts', 'system:authenticated'],
      },
    });
    await authenticate(authenticators, good);
    const bad = { certificates: [], headers: { authorization: ['Bearer bad'] } };
    expect(await authenticate(authenticators, bad)).toEqual({ errors: ['invalid token'] });
    await authenticate(authenticators, bad);
    expect(seen).toEqual(['good', 'bad']);
  });
});
