// Certificates of the Kamaji etcd (Kamaji-TS's own state, the tenants' default DataStore), made
// with the project's PKI: its own CA, a server certificate for the node IP, and the client
// certificate of the etcd user `root` that Kamaji-TS and DataStore `default` use.
//   node hack/kamaji-etcd-certs.ts <dir> <node-ip>
// Writes <dir>/{ca,server,root}.{crt,key}; existing files are kept.
import { createCertificateAuthority, issueCertificate } from '../src/pki/index.ts';
import { ensureKeyPair } from './lib/pem-files.ts';

const [dir, nodeIp] = process.argv.slice(2);
if (!dir || !nodeIp) throw new Error('usage: node hack/kamaji-etcd-certs.ts <dir> <node-ip>');

const ca = await ensureKeyPair(dir, 'ca', () => createCertificateAuthority({ commonName: 'kamaji-etcd-ca' }));
await ensureKeyPair(dir, 'server', () =>
  issueCertificate(ca, {
    commonName: 'kamaji-etcd',
    dnsNames: ['localhost'],
    ipAddresses: [nodeIp, '127.0.0.1'],
    usages: ['server', 'client'],
  }),
);
await ensureKeyPair(dir, 'root', () => issueCertificate(ca, { commonName: 'root', usages: ['client'] }));
