import { readCertificate, readPrivateKey } from './pem.ts';

/** True when `caPem`'s key signed `certPem` and names match (OpenSSL's issuer check plus signature). */
export function isSignedBy(certPem: string, caPem: string): boolean {
  const certificate = readCertificate(certPem, 'certificate');
  const ca = readCertificate(caPem, 'caCertificate');
  return certificate.checkIssued(ca) && certificate.verify(ca.publicKey);
}

/** True when `keyPem` is the private key of `certPem`'s public key. */
export function matchesPrivateKey(certPem: string, keyPem: string): boolean {
  return readCertificate(certPem, 'certificate').checkPrivateKey(readPrivateKey(keyPem, 'privateKey'));
}
