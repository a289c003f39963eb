import { createHash } from 'node:crypto';
import { readCertificate } from './pem.ts';

/**
 * kubeadm's CA pin, `sha256:<hex>` over the DER SubjectPublicKeyInfo of the CA certificate:
 * the value `kubeadm join --discovery-token-ca-cert-hash` expects.
 */
export function caCertificateHash(caPem: string): string {
  const publicKeyInfo = readCertificate(caPem, 'caCertificate').publicKey.export({ type: 'spki', format: 'der' });
  return `sha256:${createHash('sha256').update(publicKeyInfo).digest('hex')}`;
}
