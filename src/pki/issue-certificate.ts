import type { KeyObject, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import {
  draftCertificate,
  rawSubjectName,
  requirePositive,
  requireSubjectName,
  signCertificate,
  validityFor,
} from './certificate-builder.ts';
import { PkiError } from './errors.ts';
import type { KeyPairPem } from './key-pair.ts';
import { generateRsaKeyPair } from './keys.ts';
import { readCertificate, readPrivateKey } from './pem.ts';
import { altNames, requireDnsNames, requireIpAddresses } from './subject-alt-names.ts';

export type CertificateUsage = 'server' | 'client';

export type IssueCertificateOptions = {
  commonName: string;
  organizations?: string[];
  dnsNames?: string[];
  ipAddresses?: string[];
  usages: CertificateUsage[];
  /** Default 365, as kubeadm's leaf certificates. */
  validityDays?: number;
  /** Wins over validityDays; for short-lived credentials. */
  validitySeconds?: number;
};

const DEFAULT_LEAF_VALIDITY_DAYS = 365;
const USAGES: readonly string[] = ['server', 'client'] satisfies CertificateUsage[];

/**
 * A leaf certificate with a fresh RSA 2048 key, signed by `ca` (which must be an RSA CA):
 * keyUsage digitalSignature+keyEncipherment, extKeyUsage serverAuth/clientAuth as asked,
 * SANs for DNS names and IP addresses. It never outlives the CA.
 */
export async function issueCertificate(ca: KeyPairPem, opts: IssueCertificateOptions): Promise<KeyPairPem> {
  const subject = requireSubjectName(opts.commonName, opts.organizations);
  const usages = requireUsages(opts.usages);
  const dnsNames = requireDnsNames(opts.dnsNames ?? []);
  const ipAddresses = requireIpAddresses(opts.ipAddresses ?? []);
  const lifetimeSeconds =
    opts.validitySeconds !== undefined
      ? requirePositive(opts.validitySeconds, 'validitySeconds')
      : requirePositive(opts.validityDays ?? DEFAULT_LEAF_VALIDITY_DAYS, 'validityDays') * 86_400;
  const issuer = readIssuer(ca);
  const now = new Date();
  if (issuer.certificate.validToDate <= now) {
    throw new PkiError('ca.certificate', `expired at ${issuer.certificate.validToDate.toISOString()}`);
  }

  const keys = await generateRsaKeyPair();
  const validity = validityFor(lifetimeSeconds, now);
  if (validity.notAfter > issuer.certificate.validToDate) validity.notAfter = issuer.certificate.validToDate;
  const certificate = draftCertificate(keys.publicKey, subject, validity);
  const sans = altNames(dnsNames, ipAddresses);
  certificate.setExtensions([
    { name: 'basicConstraints', critical: true, cA: false },
    { name: 'keyUsage', critical: true, digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: usages.has('server'), clientAuth: usages.has('client') },
    ...(sans.length > 0 ? [{ name: 'subjectAltName', altNames: sans }] : []),
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: authorityKeyIdentifier(issuer.certificate) },
  ]);
  return {
    certificate: signCertificate(certificate, issuer.privateKey, rawSubjectName(issuer.certificate.raw)),
    privateKey: keys.privateKey,
  };
}

function requireUsages(usages: unknown): Set<CertificateUsage> {
  if (!Array.isArray(usages) || usages.length === 0) {
    throw new PkiError('usages', 'must list at least one of "server", "client"');
  }
  usages.forEach((usage: unknown, index) => {
    if (typeof usage !== 'string' || !USAGES.includes(usage)) {
      throw new PkiError(`usages[${index}]`, `must be "server" or "client", not ${JSON.stringify(usage)}`);
    }
  });
  return new Set(usages as CertificateUsage[]);
}

function readIssuer(ca: KeyPairPem): { certificate: X509Certificate; privateKey: KeyObject } {
  const certificate = readCertificate(ca?.certificate, 'ca.certificate');
  const privateKey = readPrivateKey(ca?.privateKey, 'ca.privateKey');
  if (!certificate.ca) throw new PkiError('ca.certificate', 'is not a CA certificate (basicConstraints CA:FALSE)');
  if (privateKey.asymmetricKeyType !== 'rsa') {
    throw new PkiError('ca.privateKey', `is an ${privateKey.asymmetricKeyType} key; only RSA CAs can issue certificates`);
  }
  if (!certificate.checkPrivateKey(privateKey)) throw new PkiError('ca.privateKey', 'does not belong to ca.certificate');
  return { certificate, privateKey };
}

// The CA's own subjectKeyIdentifier when it has one, so verifiers can match the two;
// otherwise the RFC 5280 method 1 value (SHA-1 of the public key) node-forge derives.
function authorityKeyIdentifier(caCertificate: X509Certificate): string {
  const parsed = forge.pki.certificateFromAsn1(forge.asn1.fromDer(caCertificate.raw.toString('binary')));
  const extension = parsed.getExtension('subjectKeyIdentifier') as { subjectKeyIdentifier?: string } | undefined;
  return extension?.subjectKeyIdentifier !== undefined
    ? forge.util.hexToBytes(extension.subjectKeyIdentifier)
    : parsed.generateSubjectKeyIdentifier().getBytes();
}
