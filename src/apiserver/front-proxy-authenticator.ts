// Front-proxy (request header) authentication: kube-apiserver, having authenticated the user,
// proxies the request over mTLS with its proxy client certificate and names the user in
// X-Remote-* headers. The headers are believed only when that certificate checks out.
import type { X509Certificate } from 'node:crypto';
import { parseCertificate } from '../pki/index.ts';
import type { AuthenticationConfig, RequestHeaderConfig } from './authentication-config.ts';
import type { Authenticator, AuthenticatorResult, RequestCredentials } from './authenticator.ts';
import { ChainVerifications, verifyClientCertificate, type VerifyClientCertificate } from './client-certificate.ts';

function firstValue(headers: RequestCredentials['headers'], names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = headers[name.toLowerCase()]?.[0];
    if (value) return value;
  }
  return undefined;
}

/** user, groups, extra and uid as the configured headers give them (headerrequest.requestHeaderAuthRequestHandler). */
export function userFromHeaders(config: RequestHeaderConfig, headers: RequestCredentials['headers']) {
  const username = firstValue(headers, config.usernameHeaders);
  if (!username) return undefined;
  const groups = config.groupHeaders.flatMap((name) => headers[name.toLowerCase()] ?? []);
  const extra: Record<string, string[]> = {};
  const prefixes = config.extraHeaderPrefixes.map((prefix) => prefix.toLowerCase());
  for (const [header, values] of Object.entries(headers)) {
    const prefix = prefixes.find((p) => header.startsWith(p));
    if (!prefix || !values) continue;
    const key = unescapeExtraKey(header.slice(prefix.length));
    (extra[key] ??= []).push(...values);
  }
  const uid = config.uidHeaders.length > 0 ? firstValue(headers, config.uidHeaders) : undefined;
  return {
    username,
    ...(uid ? { uid } : {}),
    groups,
    ...(Object.keys(extra).length > 0 ? { extra } : {}),
  };
}

/** Extra keys are lower-cased, then %-decoded (url.PathUnescape); a malformed escape keeps the raw key. */
function unescapeExtraKey(key: string): string {
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
}

export class FrontProxyAuthenticator implements Authenticator {
  readonly #config: () => AuthenticationConfig | undefined;
  /** Per connection: why its certificate is not the front proxy's (undefined: it is), decided once. */
  readonly #refusals: ChainVerifications<string | undefined>;

  /** `verify` is replaceable so tests can count verifications. */
  constructor(config: () => AuthenticationConfig | undefined, verify: VerifyClientCertificate = verifyClientCertificate) {
    this.#config = config;
    this.#refusals = new ChainVerifications(verify);
  }

  authenticate(credentials: RequestCredentials): AuthenticatorResult {
    const config = this.#config()?.requestHeader;
    if (!config || credentials.certificates.length === 0) return undefined;
    const refusal = this.#refusals.conclude(credentials.certificates, config, config.certificateAuthorities, (failure) =>
      failure ?? disallowedName(config, credentials.certificates[0]!),
    );
    if (refusal) return { error: refusal };
    const user = userFromHeaders(config, credentials.headers);
    return user ? { user } : undefined;
  }
}

function disallowedName(config: RequestHeaderConfig, leaf: X509Certificate): string | undefined {
  if (config.allowedNames.length === 0) return undefined;
  const { commonName } = parseCertificate(leaf.toString());
  return config.allowedNames.includes(commonName) ? undefined : `x509: subject with cn=${commonName} is not in the allowed list`;
}

/** Every header the front proxy may set: removed from requests once authentication is done. */
export function frontProxyHeaderNames(config: AuthenticationConfig | undefined, headerNames: Iterable<string>): string[] {
  const requestHeader = config?.requestHeader;
  if (!requestHeader) return [];
  const exact = new Set(
    [...requestHeader.usernameHeaders, ...requestHeader.groupHeaders, ...requestHeader.uidHeaders].map((h) => h.toLowerCase()),
  );
  const prefixes = requestHeader.extraHeaderPrefixes.map((p) => p.toLowerCase());
  return [...headerNames].filter((name) => exact.has(name) || prefixes.some((p) => name.startsWith(p)));
}
