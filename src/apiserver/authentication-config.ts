// The delegated authentication configuration kube-apiserver publishes in
// kube-system/extension-apiserver-authentication: which CAs sign client certificates, which CA
// signs the front proxy's certificate, which names it may have and which headers carry the user.
import { X509Certificate } from 'node:crypto';

export const AUTHENTICATION_CONFIGMAP_NAMESPACE = 'kube-system';
export const AUTHENTICATION_CONFIGMAP_NAME = 'extension-apiserver-authentication';

export interface RequestHeaderConfig {
  certificateAuthorities: X509Certificate[];
  /** Empty: any certificate signed by the CA may assert identities. */
  allowedNames: string[];
  usernameHeaders: string[];
  groupHeaders: string[];
  extraHeaderPrefixes: string[];
  /** Only when kube-apiserver lists them: older ones do not strip a client's X-Remote-Uid. */
  uidHeaders: string[];
}

export interface AuthenticationConfig {
  clientCertificateAuthorities: X509Certificate[];
  /** Absent when kube-apiserver runs without a front-proxy CA. */
  requestHeader?: RequestHeaderConfig;
}

export class AuthenticationConfigError extends Error {}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Every certificate of a PEM bundle; expired ones stay (kube-apiserver filters them already). */
export function parseCertificateBundle(pem: string, source: string): X509Certificate[] {
  const blocks = pem.match(PEM_CERTIFICATE) ?? [];
  return blocks.map((block, index) => {
    try {
      return new X509Certificate(block);
    } catch {
      throw new AuthenticationConfigError(`${source}: certificate ${index + 1} is not a valid X.509 certificate`);
    }
  });
}

/** The ConfigMap's JSON string arrays; `null` and absence both mean empty. */
function parseStringList(data: Record<string, string>, key: string): string[] {
  const raw = data[key];
  if (raw === undefined || raw.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new AuthenticationConfigError(`${key}: is not a JSON array of strings`);
  }
  if (parsed === null) return [];
  if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === 'string')) {
    throw new AuthenticationConfigError(`${key}: is not a JSON array of strings`);
  }
  return parsed.map((item) => item.trim()).filter((item) => item !== '');
}

export function parseAuthenticationConfigMap(data: Record<string, string>): AuthenticationConfig {
  const clientCertificateAuthorities = parseCertificateBundle(data['client-ca-file'] ?? '', 'client-ca-file');
  const requestHeaderCA = data['requestheader-client-ca-file'];
  if (requestHeaderCA === undefined || requestHeaderCA.trim() === '') return { clientCertificateAuthorities };
  return {
    clientCertificateAuthorities,
    requestHeader: {
      certificateAuthorities: parseCertificateBundle(requestHeaderCA, 'requestheader-client-ca-file'),
      allowedNames: parseStringList(data, 'requestheader-allowed-names'),
      usernameHeaders: parseStringList(data, 'requestheader-username-headers'),
      groupHeaders: parseStringList(data, 'requestheader-group-headers'),
      extraHeaderPrefixes: parseStringList(data, 'requestheader-extra-headers-prefix'),
      uidHeaders: parseStringList(data, 'requestheader-uid-headers'),
    },
  };
}

/** Every CA a client may present a certificate from, for the TLS server's CertificateRequest. */
export function trustedClientCAs(config: AuthenticationConfig | undefined): string[] {
  if (!config) return [];
  return [...config.clientCertificateAuthorities, ...(config.requestHeader?.certificateAuthorities ?? [])].map((ca) =>
    ca.toString(),
  );
}
