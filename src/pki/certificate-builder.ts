import { X509Certificate, randomBytes, sign, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { PkiError } from './errors.ts';

// node-forge assembles the to-be-signed certificate; Node's crypto signs it with the issuer's key
// (SHA-256, RSA PKCS#1 v1.5). Signing ourselves lets the issuer name be the CA's subject copied
// byte for byte: Go's x509 (kubelet, kubectl, etcd) links a certificate to its issuer by comparing
// the raw DER of both names, and node-forge cannot re-encode every name it reads faithfully.

const { asn1 } = forge;
type Asn1 = forge.asn1.Asn1;

export type SubjectName = { commonName: string; organizations: string[] };
export type Validity = { notBefore: Date; notAfter: Date };

/** Backdating notBefore keeps a fresh certificate valid on a peer whose clock runs a little behind. */
const CLOCK_SKEW_ALLOWANCE_MS = 5 * 60 * 1000;

const SHA256_WITH_RSA_ENCRYPTION = '1.2.840.113549.1.1.11';
const ORGANIZATION_NAME = '2.5.4.10';
const COMMON_NAME = '2.5.4.3';

// @types/node-forge declares valueTagClass as a tag class; node-forge reads it as the universal type.
const UTF8_STRING = asn1.Type.UTF8 as number as forge.asn1.Class;

// TBSCertificate ::= SEQUENCE { [0] version, serialNumber, signature, issuer, validity, subject, ... }
const TBS_ISSUER_INDEX = 3;

// Not in @types/node-forge, though exported by node-forge itself.
const getTbsCertificate = (forge.pki as unknown as { getTBSCertificate(cert: forge.pki.Certificate): Asn1 })
  .getTBSCertificate;

export function validityFor(lifetimeSeconds: number, now: Date): Validity {
  return {
    notBefore: new Date(now.getTime() - CLOCK_SKEW_ALLOWANCE_MS),
    notAfter: new Date(now.getTime() + lifetimeSeconds * 1000),
  };
}

export function requireSubjectName(commonName: unknown, organizations: unknown): SubjectName {
  if (typeof commonName !== 'string' || commonName.trim() === '') {
    throw new PkiError('commonName', 'must be a non-empty string');
  }
  const orgs = organizations ?? [];
  if (!Array.isArray(orgs)) throw new PkiError('organizations', 'must be a list of strings');
  orgs.forEach((org: unknown, index) => {
    if (typeof org !== 'string' || org.trim() === '') {
      throw new PkiError(`organizations[${index}]`, 'must be a non-empty string');
    }
  });
  return { commonName, organizations: orgs as string[] };
}

export function requirePositive(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new PkiError(field, 'must be a positive number');
  }
  return value;
}

/** An unsigned certificate with serial, validity, subject and public key; the caller adds extensions. */
export function draftCertificate(publicKeyPem: string, subject: SubjectName, validity: Validity): forge.pki.Certificate {
  const certificate = forge.pki.createCertificate();
  certificate.serialNumber = randomSerialNumber();
  certificate.validity.notBefore = validity.notBefore;
  certificate.validity.notAfter = validity.notAfter;
  certificate.publicKey = forge.pki.publicKeyFromPem(publicKeyPem);
  certificate.setSubject(nameAttributes(subject));
  return certificate;
}

/**
 * Signs with `signerKey` and returns PEM. `issuerName` is the issuer's raw subject; without it
 * the certificate names itself as issuer (self-signed).
 */
export function signCertificate(certificate: forge.pki.Certificate, signerKey: KeyObject, issuerName?: Asn1): string {
  if (issuerName === undefined) certificate.setIssuer(certificate.subject.attributes);
  certificate.siginfo.algorithmOid = SHA256_WITH_RSA_ENCRYPTION;
  const tbs = getTbsCertificate(certificate);
  if (issuerName !== undefined) (tbs.value as Asn1[])[TBS_ISSUER_INDEX] = issuerName;

  const signature = sign('sha256', derBytes(tbs), signerKey);
  const signed = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    tbs,
    sha256WithRsaAlgorithm(),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, '\0' + signature.toString('binary')),
  ]);
  return new X509Certificate(derBytes(signed)).toString();
}

/** The subject of a DER certificate exactly as encoded, to be used as the issuer of what it signs. */
export function rawSubjectName(certificateDer: Buffer): Asn1 {
  const tbs = (asn1.fromDer(certificateDer.toString('binary')).value as Asn1[])[0];
  const fields = tbs?.value as Asn1[];
  const hasVersion = fields[0]?.tagClass === asn1.Class.CONTEXT_SPECIFIC;
  const subject = fields[hasVersion ? 5 : 4];
  if (subject === undefined) throw new PkiError('ca.certificate', 'has no subject name');
  return subject;
}

// Positive, minimally encoded (first byte 0x40..0x7f), 126 random bits: unique and unguessable
// like Go's 128-bit serials, and never negative in DER.
function randomSerialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x3f) | 0x40;
  return bytes.toString('hex');
}

// One RDN per attribute, organizations before the common name as Go's pkix.Name orders them,
// always UTF8String (RFC 5280): PrintableString cannot carry '@', '_' or '*', and Go rejects
// certificates whose PrintableStrings hold them.
function nameAttributes(subject: SubjectName): forge.pki.CertificateField[] {
  return [
    ...subject.organizations.map((org) => ({ type: ORGANIZATION_NAME, value: org, valueTagClass: UTF8_STRING })),
    { type: COMMON_NAME, value: subject.commonName, valueTagClass: UTF8_STRING },
  ];
}

function sha256WithRsaAlgorithm(): Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(SHA256_WITH_RSA_ENCRYPTION).getBytes()),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, ''),
  ]);
}

function derBytes(node: Asn1): Buffer {
  return Buffer.from(asn1.toDer(node).getBytes(), 'binary');
}
