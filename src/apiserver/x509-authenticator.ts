// Plain client-certificate authentication against kube's client CA: CN is the user, O the groups.
import { createHash } from 'node:crypto';
import { parseCertificate } from '../pki/index.ts';
import type { AuthenticationConfig } from './authentication-config.ts';
import type { Authenticator, AuthenticatorResult, RequestCredentials } from './authenticator.ts';
import { verifyClientCertificate } from './client-certificate.ts';

export const CREDENTIAL_ID_EXTRA = 'authentication.kubernetes.io/credential-id';

export class X509Authenticator implements Authenticator {
  readonly #config: () => AuthenticationConfig | undefined;

  constructor(config: () => AuthenticationConfig | undefined) {
    this.#config = config;
  }

  authenticate(credentials: RequestCredentials): AuthenticatorResult {
    const roots = this.#config()?.clientCertificateAuthorities ?? [];
    const [leaf] = credentials.certificates;
    if (roots.length === 0 || !leaf) return undefined;
    const failure = verifyClientCertificate(credentials.certificates, roots);
    if (failure) return { error: failure };
    const { commonName, organizations } = parseCertificate(leaf.toString());
    if (!commonName) return { error: 'x509: certificate has no common name' };
    const fingerprint = createHash('sha256').update(leaf.raw).digest('hex');
    return {
      user: { username: commonName, groups: organizations, extra: { [CREDENTIAL_ID_EXTRA]: [`X509SHA256=${fingerprint}`] } },
    };
  }
}
