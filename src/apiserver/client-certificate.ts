// Verifies a presented client certificate chain against one set of CAs. Node's TLS layer can only
// say "signed by one of the CAs I was given"; kube needs to know *which* (front proxy or client CA),
// so the chain is checked here per CA set, as Go's x509.Verify does it.
import type { X509Certificate } from 'node:crypto';

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const ANY_EXTENDED_KEY_USAGE = '2.5.29.37.0';
const MAX_CHAIN_LENGTH = 10;

function withinValidity(certificate: X509Certificate, now: Date): boolean {
  return certificate.validFromDate.getTime() <= now.getTime() && now.getTime() <= certificate.validToDate.getTime();
}

/** No extended key usage at all means any usage, as in Go. */
function allowsClientAuth(certificate: X509Certificate): boolean {
  const usages = certificate.keyUsage;
  return !usages || usages.length === 0 || usages.includes(CLIENT_AUTH) || usages.includes(ANY_EXTENDED_KEY_USAGE);
}

function issuedBy(certificate: X509Certificate, issuer: X509Certificate): boolean {
  return issuer.ca && certificate.checkIssued(issuer) && certificate.verify(issuer.publicKey);
}

/**
 * undefined when `chain[0]` chains up to one of `roots` (intermediates taken from the rest of the
 * presented chain), is valid now and allows client authentication; otherwise Go's wording of why not.
 */
export function verifyClientCertificate(
  chain: readonly X509Certificate[],
  roots: readonly X509Certificate[],
  now: Date = new Date(),
): string | undefined {
  const [leaf, ...intermediates] = chain;
  if (!leaf) return 'no client certificate';
  if (!withinValidity(leaf, now)) return 'x509: certificate has expired or is not yet valid';
  if (!allowsClientAuth(leaf)) return 'x509: certificate specifies an incompatible key usage';
  let current = leaf;
  const used = new Set<X509Certificate>();
  for (let depth = 0; depth < MAX_CHAIN_LENGTH; depth++) {
    const root = roots.find((ca) => issuedBy(current, ca));
    if (root) return withinValidity(root, now) ? undefined : 'x509: certificate has expired or is not yet valid';
    const next = intermediates.find((ca) => !used.has(ca) && issuedBy(current, ca) && withinValidity(ca, now));
    if (!next) break;
    used.add(next);
    current = next;
  }
  return 'x509: certificate signed by unknown authority';
}

export type VerifyClientCertificate = typeof verifyClientCertificate;

/**
 * The first moment after `now` at which one of `certificates` starts or stops being valid: until
 * then a verification's outcome cannot change, since time enters it only through validity.
 */
function nextValidityChange(certificates: readonly X509Certificate[], now: number): number {
  let next = Infinity;
  for (const certificate of certificates) {
    const from = certificate.validFromDate.getTime();
    const to = certificate.validToDate.getTime();
    if (from > now) next = Math.min(next, from);
    if (to >= now) next = Math.min(next, to);
  }
  return next;
}

interface Checked<T> {
  trust: object;
  outcome: T;
  recheckAt: number;
}

/**
 * What an authenticator concluded from a connection's client certificate chain, remembered per
 * chain: peer-certificates.ts keeps one chain per TLS connection, and the aggregator sends many
 * requests over each, so the chain is verified once per connection instead of once per request.
 * A conclusion holds only for the same trust configuration object (a reloaded configuration, new
 * CAs included, is a new object, so nothing outlives a CA rotation) and only until a certificate
 * involved starts or stops being valid. Failures are remembered the same way: one never lets a
 * request through, and it is re-decided under a new configuration.
 */
export class ChainVerifications<T> {
  readonly #checked = new WeakMap<readonly X509Certificate[], Checked<T>>();
  readonly #verify: VerifyClientCertificate;

  constructor(verify: VerifyClientCertificate = verifyClientCertificate) {
    this.#verify = verify;
  }

  /**
   * `conclude(failure)` for `chain` verified against `roots`, where `trust` is the configuration
   * object `roots` (and whatever else `conclude` reads) came from.
   */
  conclude(
    chain: readonly X509Certificate[],
    trust: object,
    roots: readonly X509Certificate[],
    conclude: (failure: string | undefined) => T,
    now: Date = new Date(),
  ): T {
    const at = now.getTime();
    const known = this.#checked.get(chain);
    if (known && known.trust === trust && at < known.recheckAt) return known.outcome;
    const outcome = conclude(this.#verify(chain, roots, now));
    this.#checked.set(chain, { trust, outcome, recheckAt: nextValidityChange([...chain, ...roots], at) });
    return outcome;
  }
}
