import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { PkiError } from './errors.ts';

// Certificates and keys are read with Node's OpenSSL-backed parsers: they accept every key
// type and PEM flavour (PKCS#1, PKCS#8, SEC1), not only what node-forge understands.

export function readCertificate(pem: string, field: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch {
    throw new PkiError(field, 'is not a PEM-encoded X.509 certificate');
  }
}

export function readPrivateKey(pem: string, field: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch {
    throw new PkiError(field, 'is not an unencrypted PEM-encoded private key');
  }
}
