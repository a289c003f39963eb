import { createPrivateKey } from 'node:crypto';
import { draftCertificate, requirePositive, requireSubjectName, signCertificate, validityFor } from './certificate-builder.ts';
import type { KeyPairPem } from './key-pair.ts';
import { generateRsaKeyPair } from './keys.ts';

export type CertificateAuthorityOptions = {
  commonName: string;
  organizations?: string[];
  /** Default 3650, as kubeadm's CAs. */
  validityDays?: number;
};

const DEFAULT_CA_VALIDITY_DAYS = 3650;

/** A self-signed root CA (RSA 2048, SHA-256) such as a tenant's cluster CA or front-proxy CA. */
export async function createCertificateAuthority(opts: CertificateAuthorityOptions): Promise<KeyPairPem> {
  const subject = requireSubjectName(opts.commonName, opts.organizations);
  const validityDays = requirePositive(opts.validityDays ?? DEFAULT_CA_VALIDITY_DAYS, 'validityDays');

  const keys = await generateRsaKeyPair();
  const certificate = draftCertificate(keys.publicKey, subject, validityFor(validityDays * 86_400, new Date()));
  certificate.setExtensions([
    { name: 'basicConstraints', critical: true, cA: true },
    { name: 'keyUsage', critical: true, digitalSignature: true, keyEncipherment: true, keyCertSign: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  return {
    certificate: signCertificate(certificate, createPrivateKey(keys.privateKey)),
    privateKey: keys.privateKey,
  };
}
