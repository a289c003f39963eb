// Plain client-certificate authentication against kube's client CA: CN is the user, O the groups.
import { createHash, type X509Certificate } from 'node:crypto';
import { parseCertificate } from '../pki/index.ts';
import type { AuthenticationConfig } from './authentication-config.ts';
import type { Authenticator, AuthenticatorResult, RequestCredentials } from './authenticator.ts';
import { ChainVerifications, verifyClientCertificate, type VerifyClientCertificate } from './client-certificate.ts';

export const CREDENTIAL_ID_EXTRA = 'authentication.kubernetes.io/credential-id';

/** Who a verified client certificate names, or why it does not authenticate. */
type CertificateIdentity = { error: string } | { username: string; groups: readonly string[]; credentialId: string };

function identityOf(leaf: X509Certificate): CertificateIdentity {
  const { commonName, organizations } = parseCertificate(leaf.toString());
  if (!commonName) return { error: 'x509: certificate has no common name' };
  const fingerprint = createHash('sha256').update(leaf.raw).digest('hex');
  return { username: commonName, groups: organizations, credentialId: `X509SHA256=${fingerprint}` };
}

export class X509Authenticator implements Authenticator {
  readonly #config: () => AuthenticationConfig | undefined;
  /** Per connection: the chain is verified and its leaf read once, not on every request. */
  readonly #identities: ChainVerifications<CertificateIdentity>;

  /** `verify` is replaceable so tests can count verifications. */
  constructor(config: () => AuthenticationConfig | undefined, verify: VerifyClientCertificate = verifyClientCertificate) {
    this.#config = config;
    this.#identities = new ChainVerifications(verify);
  }

  authenticate(credentials: RequestCredentials): AuthenticatorResult {
    const roots = this.#config()?.clientCertificateAuthorities ?? [];
    const [leaf] = credentials.certificates;
    if (roots.length === 0 || !leaf) return undefined;
    const identity = this.#identities.conclude(credentials.certificates, roots, roots, (failure) =>
      failure ? { error: failure } : identityOf(leaf),
    );
    if ('error' in identity) return { error: identity.error };
    // A user of its own for every request: what is remembered stays as it was.
    return { user: { username: identity.username, groups: [...identity.groups], extra: { [CREDENTIAL_ID_EXTRA]: [identity.credentialId] } } };
  }
}
