// The serving certificate of the Kamaji-TS API server inside the management cluster, made with
// the project's PKI: a CA (which goes into the APIService's caBundle) and a certificate for the
// Service tenancy-apiserver.kamaji-system.
//   node hack/serving-cert.ts <dir>
// Writes <dir>/{ca,tls}.{crt,key}; existing files are kept.
import { createCertificateAuthority, issueCertificate } from '../src/pki/index.ts';
import { ensureKeyPair } from './lib/pem-files.ts';

const SERVICE = 'tenancy-apiserver';
const NAMESPACE = 'kamaji-system';

const [dir] = process.argv.slice(2);
if (!dir) throw new Error('usage: node hack/serving-cert.ts <dir>');

const ca = await ensureKeyPair(dir, 'ca', () => createCertificateAuthority({ commonName: `${SERVICE}-ca` }));
await ensureKeyPair(dir, 'tls', () =>
  issueCertificate(ca, {
    commonName: `${SERVICE}.${NAMESPACE}.svc`,
    dnsNames: [SERVICE, `${SERVICE}.${NAMESPACE}`, `${SERVICE}.${NAMESPACE}.svc`, `${SERVICE}.${NAMESPACE}.svc.cluster.local`],
    usages: ['server'],
  }),
);
