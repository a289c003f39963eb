// The certificate a tenant's kube-apiserver presents to an etcd DataStore: etcd takes the CN as
// the user name, so CN = the tenant's etcd user, signed by the DataStore's CA.
import { issueCertificate, type KeyPairPem } from '../../pki/index.ts';
import type { DataStoreConnection } from './connection.ts';
import { DataStoreCheckError } from './errors.ts';
import { requireTenantUsername } from './identifiers.ts';

/** Kamaji's lifetime for these certificates; never beyond the CA's own. */
const DEFAULT_VALIDITY_DAYS = 3650;

export async function issueTenantEtcdClientCertificate(
  connection: DataStoreConnection,
  username: string,
  options: { validityDays?: number } = {},
): Promise<KeyPairPem> {
  const tls = connection.tls;
  if (connection.driver !== 'etcd' || !tls?.certificateAuthorityKey) {
    throw new DataStoreCheckError(
      'Misconfigured',
      `spec.tlsConfig.certificateAuthority.privateKey: DataStore "${connection.dataStoreName}" needs the etcd CA's private key to issue tenant client certificates`,
    );
  }
  requireTenantUsername('etcd', username);
  return issueCertificate(
    { certificate: tls.certificateAuthority, privateKey: tls.certificateAuthorityKey },
    { commonName: username, usages: ['client'], validityDays: options.validityDays ?? DEFAULT_VALIDITY_DAYS },
  );
}
