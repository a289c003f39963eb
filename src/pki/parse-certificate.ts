import { PkiError } from './errors.ts';
import { canonicalIpAddress } from './ip-address.ts';
import { readCertificate } from './pem.ts';

export type CertificateInfo = {
  commonName: string;
  organizations: string[];
  dnsNames: string[];
  /** Canonical text form (IPv6 lower case and compressed). */
  ipAddresses: string[];
  notBefore: Date;
  notAfter: Date;
  issuerCommonName: string;
  isCA: boolean;
};

/** What a controller needs to decide whether a stored certificate still fits (any key type). */
export function parseCertificate(pem: string): CertificateInfo {
  const certificate = readCertificate(pem, 'certificate');
  const { subject, issuer } = certificate.toLegacyObject();
  const altNames = subjectAltNames(certificate.subjectAltName);
  return {
    commonName: attributeValues(subject, 'CN')[0] ?? '',
    organizations: attributeValues(subject, 'O'),
    dnsNames: altNames.filter((name) => name.kind === 'DNS').map((name) => name.value),
    ipAddresses: altNames.filter((name) => name.kind === 'IP Address').map((name) => canonicalIpAddress(name.value)),
    notBefore: certificate.validFromDate,
    notAfter: certificate.validToDate,
    issuerCommonName: attributeValues(issuer, 'CN')[0] ?? '',
    isCA: certificate.ca,
  };
}

/** True when the certificate has expired or will within `seconds` (of `now`). */
export function expiresWithin(pem: string, seconds: number, now: Date = new Date()): boolean {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
    throw new PkiError('seconds', 'must be a number of seconds, zero or more');
  }
  const { validToDate } = readCertificate(pem, 'certificate');
  return validToDate.getTime() - now.getTime() <= seconds * 1000;
}

// Node gives an attribute that occurs once as a string, one that repeats as an array.
function attributeValues(name: object | undefined, attribute: string): string[] {
  const value: unknown = name === undefined ? undefined : (name as Record<string, unknown>)[attribute];
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

// Node prints SANs as `DNS:a, IP Address:10.0.0.1`, quoting (JSON) any value that holds a
// separator or other unusual character.
const ALT_NAME = /(?:^|, )([^:,]+):("(?:[^"\\]|\\.)*"|[^,]*)/g;

function subjectAltNames(text: string | undefined): { kind: string; value: string }[] {
  return [...(text ?? '').matchAll(ALT_NAME)].map(([, kind = '', value = '']) => ({
    kind,
    value: value.startsWith('"') ? (JSON.parse(value) as string) : value,
  }));
}
