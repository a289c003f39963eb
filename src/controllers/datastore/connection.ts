// What it takes to talk to a DataStore: driver, endpoints and the credentials its ContentRefs
// point at, read once from inline content or from Secrets in the management cluster. Every
// problem names the field that carries it; no message ever quotes a secret value.
import type { V1Secret } from '@kubernetes/client-node';
import type { ContentRef, DataStore, DataStoreDriver } from '../../apis/index.ts';
import { matchesPrivateKey, parseCertificate, PkiError } from '../../pki/index.ts';
import { apiErrorMessage, apiStatusCode, readObject, type KubeClient } from '../runtime/kube-client.ts';
import { DataStoreCheckError } from './errors.ts';

export interface DataStoreEndpoint {
  host: string;
  port: number;
}

/** PEM material of spec.tlsConfig (names as the TenantControlPlane controller's DataStoreTls). */
export interface DataStoreTlsMaterial {
  /** Verifies the server; for etcd it also signs the tenants' client certificates. */
  certificateAuthority: string;
  certificateAuthorityKey?: string;
  clientCertificate?: string;
  clientKey?: string;
}

export interface DataStoreConnection {
  dataStoreName: string;
  driver: DataStoreDriver;
  endpoints: DataStoreEndpoint[];
  basicAuth?: { username: string; password: string };
  tls?: DataStoreTlsMaterial;
}

export async function resolveDataStoreConnection(dataStore: DataStore, managementClient: KubeClient): Promise<DataStoreConnection> {
  const { spec } = dataStore;
  const read = (field: string, ref: ContentRef) => readContentRef(managementClient, field, ref);
  const connection: DataStoreConnection = {
    dataStoreName: dataStore.metadata.name ?? '',
    driver: spec.driver,
    endpoints: spec.endpoints.map((endpoint, i) => parseEndpoint(endpoint, `spec.endpoints[${i}]`)),
  };
  if (spec.basicAuth) {
    connection.basicAuth = {
      username: await read('spec.basicAuth.username', spec.basicAuth.username),
      password: await read('spec.basicAuth.password', spec.basicAuth.password),
    };
  }
  const tls = spec.tlsConfig;
  if (tls) {
    const field = 'spec.tlsConfig.certificateAuthority';
    const material: DataStoreTlsMaterial = {
      certificateAuthority: requireCertificate(`${field}.certificate`, await read(`${field}.certificate`, tls.certificateAuthority.certificate)),
    };
    if (tls.certificateAuthority.privateKey) {
      material.certificateAuthorityKey = await read(`${field}.privateKey`, tls.certificateAuthority.privateKey);
      requireKeyPair(`${field}.privateKey`, material.certificateAuthority, material.certificateAuthorityKey);
    }
    if (tls.clientCertificate) {
      const client = 'spec.tlsConfig.clientCertificate';
      material.clientCertificate = requireCertificate(`${client}.certificate`, await read(`${client}.certificate`, tls.clientCertificate.certificate));
      material.clientKey = await read(`${client}.privateKey`, tls.clientCertificate.privateKey);
      requireKeyPair(`${client}.privateKey`, material.clientCertificate, material.clientKey);
    }
    connection.tls = material;
  }
  requireCredentials(connection);
  return connection;
}

/** `host:port` or `[v6]:port`, as the DataStore's validation admits them. */
export function parseEndpoint(endpoint: string, field: string): DataStoreEndpoint {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(endpoint);
  const port = Number(match?.[3]);
  if (!match || port < 1 || port > 65535) throw new DataStoreCheckError('Misconfigured', `${field}: "${endpoint}" is not host:port`);
  return { host: match[1] ?? match[2]!, port };
}

/** How the endpoint is written in URLs and messages (IPv6 in brackets). */
export function formatEndpoint({ host, port }: DataStoreEndpoint): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

async function readContentRef(managementClient: KubeClient, field: string, ref: ContentRef): Promise<string> {
  if (ref.content) return Buffer.from(ref.content, 'base64').toString('utf8');
  const reference = ref.secretReference;
  if (!reference) throw new DataStoreCheckError('Misconfigured', `${field}: either content or secretReference must be set`);
  const where = `${field}.secretReference: secret ${reference.namespace}/${reference.name}`;
  let secret: V1Secret | undefined;
  try {
    secret = await readObject<V1Secret>(managementClient, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: reference.name, namespace: reference.namespace },
    });
  } catch (error) {
    if (apiStatusCode(error) === 403) {
      throw new DataStoreCheckError('Misconfigured', `${where} cannot be read: Kamaji-TS is not allowed to get it (${apiErrorMessage(error)})`);
    }
    // Anything else (the management API not answering) is not the DataStore's fault: retried.
    throw error;
  }
  if (!secret) throw new DataStoreCheckError('Misconfigured', `${where} not found`);
  const value = secret.data?.[reference.keyPath];
  if (value === undefined) throw new DataStoreCheckError('Misconfigured', `${where} has no key "${reference.keyPath}"`);
  return Buffer.from(value, 'base64').toString('utf8');
}

function requireCertificate(field: string, pem: string): string {
  try {
    parseCertificate(pem);
    return pem;
  } catch (error) {
    if (error instanceof PkiError) throw new DataStoreCheckError('Misconfigured', `${field}: is not a PEM-encoded X.509 certificate`);
    throw error;
  }
}

function requireKeyPair(field: string, certificate: string, key: string): void {
  let matches: boolean;
  try {
    matches = matchesPrivateKey(certificate, key);
  } catch (error) {
    if (error instanceof PkiError) throw new DataStoreCheckError('Misconfigured', `${field}: is not an unencrypted PEM-encoded private key`);
    throw error;
  }
  if (!matches) throw new DataStoreCheckError('Misconfigured', `${field}: does not belong to the certificate next to it`);
}

// The schema rules already ask for these; a DataStore stored before them (or edited around them)
// still gets a message instead of a driver error.
function requireCredentials(connection: DataStoreConnection): void {
  if (connection.driver === 'etcd') {
    if (!connection.tls?.clientCertificate) {
      throw new DataStoreCheckError('Misconfigured', 'spec.tlsConfig.clientCertificate: the etcd driver authenticates with a client certificate');
    }
  } else if (!connection.basicAuth) {
    throw new DataStoreCheckError('Misconfigured', `spec.basicAuth: the ${connection.driver} driver needs a user name and password to set up tenants (client-certificate authentication alone is not supported for SQL DataStores; tlsConfig still secures the connection)`);
  }
}
