// Certificates, keys, kubeconfigs and bootstrap tokens for tenant control planes.
// Pure: no I/O, everything in and out as PEM / plain objects. Imports nothing from other src/ folders.
export { PkiError } from './errors.ts';
export type { KeyPairPem } from './key-pair.ts';
export { createServiceAccountKeyPair, type PublicKeyPairPem } from './keys.ts';
export { createCertificateAuthority, type CertificateAuthorityOptions } from './certificate-authority.ts';
export { issueCertificate, type CertificateUsage, type IssueCertificateOptions } from './issue-certificate.ts';
export { parseCertificate, expiresWithin, type CertificateInfo } from './parse-certificate.ts';
export { isSignedBy, matchesPrivateKey } from './certificate-checks.ts';
export { caCertificateHash } from './ca-certificate-hash.ts';
export { buildKubeconfig, type KubeconfigObject, type KubeconfigOptions, type KubeconfigUser } from './kubeconfig.ts';
export { randomBootstrapToken, type BootstrapToken } from './bootstrap-token.ts';
