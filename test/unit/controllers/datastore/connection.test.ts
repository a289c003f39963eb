import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { DataStore } from '../../../../src/apis/index.ts';
import { DataStoreCheckError, parseEndpoint, resolveDataStoreConnection } from '../../../../src/controllers/datastore/index.ts';
import type { KubeClient } from '../../../../src/controllers/runtime/kube-client.ts';
import { createCertificateAuthority, issueCertificate } from '../../../../src/pki/index.ts';

const base64 = (text: string) => Buffer.from(text).toString('base64');

/** A management cluster holding only the given Secrets (data base64-encoded, as the API returns it). */
function managementWith(secrets: Record<string, Record<string, string>>, failure?: number): KubeClient {
  const client = {
    async read(ref: { metadata: { name: string; namespace?: string } }) {
      if (failure) throw new ApiException(failure, 'failed', JSON.stringify({ message: 'secrets is forbidden: no' }), {});
      const data = secrets[`${ref.metadata.namespace}/${ref.metadata.name}`];
      if (!data) throw new ApiException(404, 'not found', '{}', {});
      return { apiVersion: 'v1', kind: 'Secret', metadata: ref.metadata, data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, base64(v)])) };
    },
  };
  return client as unknown as KubeClient;
}

function postgresDataStore(password: NonNullable<DataStore['spec']['basicAuth']>['password']): DataStore {
  return {
    apiVersion: 'tenancy.kamaji.io/v1alpha1',
    kind: 'DataStore',
    metadata: { name: 'pg' },
    spec: { driver: 'PostgreSQL', endpoints: ['db.example.com:5432'], basicAuth: { username: { content: base64('kamaji') }, password } },
  };
}

async function failure(promise: Promise<unknown>): Promise<DataStoreCheckError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DataStoreCheckError);
  return error as DataStoreCheckError;
}

describe('resolveDataStoreConnection', () => {
  it('decodes inline content and reads secretReferences', async () => {
    const connection = await resolveDataStoreConnection(
      postgresDataStore({ secretReference: { name: 'pg-root', namespace: 'kamaji-system', keyPath: 'password' } }),
      managementWith({ 'kamaji-system/pg-root': { password: 's3cret' } }),
    );
    expect(connection).toEqual({
      dataStoreName: 'pg',
      driver: 'PostgreSQL',
      endpoints: [{ host: 'db.example.com', port: 5432 }],
      basicAuth: { username: 'kamaji', password: 's3cret' },
    });
  });

  it('lets inline content win over a secretReference', async () => {
    const connection = await resolveDataStoreConnection(
      postgresDataStore({ content: base64('inline'), secretReference: { name: 'absent', namespace: 'x', keyPath: 'password' } }),
      managementWith({}),
    );
    expect(connection.basicAuth?.password).toBe('inline');
  });

  it('names the field and the Secret when the key is missing, without quoting values', async () => {
    const error = await failure(
      resolveDataStoreConnection(
        postgresDataStore({ secretReference: { name: 'x', namespace: 'kamaji-system', keyPath: 'password' } }),
        managementWith({ 'kamaji-system/x': { pass: 'do-not-print-me' } }),
      ),
    );
    expect(error.reason).toBe('Misconfigured');
    expect(error.message).toBe('spec.basicAuth.password.secretReference: secret kamaji-system/x has no key "password"');
  });

  it('names the field when the Secret does not exist or cannot be read', async () => {
    const ref = { secretReference: { name: 'x', namespace: 'kamaji-system', keyPath: 'password' } };
    expect((await failure(resolveDataStoreConnection(postgresDataStore(ref), managementWith({})))).message).toBe(
      'spec.basicAuth.password.secretReference: secret kamaji-system/x not found',
    );
    const forbidden = await failure(resolveDataStoreConnection(postgresDataStore(ref), managementWith({}, 403)));
    expect(forbidden.message).toMatch(/^spec\.basicAuth\.password\.secretReference: secret kamaji-system\/x cannot be read/);
  });

  it('leaves other management cluster failures to the caller (retried, not the DataStore’s fault)', async () => {
    const ref = { secretReference: { name: 'x', namespace: 'kamaji-system', keyPath: 'password' } };
    await expect(resolveDataStoreConnection(postgresDataStore(ref), managementWith({}, 500))).rejects.toBeInstanceOf(ApiException);
  });

  it('checks TLS material: certificates parse and keys belong to them', async () => {
    const ca = await createCertificateAuthority({ commonName: 'ca', validityDays: 1 });
    const client = await issueCertificate(ca, { commonName: 'root', usages: ['client'], validityDays: 1 });
    const other = await issueCertificate(ca, { commonName: 'other', usages: ['client'], validityDays: 1 });
    const etcd = (clientKey: string, caCertificate = ca.certificate): DataStore => ({
      apiVersion: 'tenancy.kamaji.io/v1alpha1',
      kind: 'DataStore',
      metadata: { name: 'etcd' },
      spec: {
        driver: 'etcd',
        endpoints: ['10.0.0.1:2379', '[fd00::1]:2379'],
        tlsConfig: {
          certificateAuthority: { certificate: { content: base64(caCertificate) }, privateKey: { content: base64(ca.privateKey) } },
          clientCertificate: { certificate: { content: base64(client.certificate) }, privateKey: { content: base64(clientKey) } },
        },
      },
    });
    const connection = await resolveDataStoreConnection(etcd(client.privateKey), managementWith({}));
    expect(connection.endpoints).toEqual([{ host: '10.0.0.1', port: 2379 }, { host: 'fd00::1', port: 2379 }]);
    expect(connection.tls).toEqual({
      certificateAuthority: ca.certificate,
      certificateAuthorityKey: ca.privateKey,
      clientCertificate: client.certificate,
      clientKey: client.privateKey,
    });
    expect((await failure(resolveDataStoreConnection(etcd(other.privateKey), managementWith({})))).message).toBe(
      'spec.tlsConfig.clientCertificate.privateKey: does not belong to the certificate next to it',
    );
    expect((await failure(resolveDataStoreConnection(etcd(client.privateKey, 'not a pem'), managementWith({})))).message).toBe(
      'spec.tlsConfig.certificateAuthority.certificate: is not a PEM-encoded X.509 certificate',
    );
  });

  it('refuses an etcd DataStore without client certificate and a SQL one without basicAuth', async () => {
    const ca = await createCertificateAuthority({ commonName: 'ca', validityDays: 1 });
    const noClient: DataStore = {
      apiVersion: 'tenancy.kamaji.io/v1alpha1',
      kind: 'DataStore',
      metadata: { name: 'etcd' },
      spec: { driver: 'etcd', endpoints: ['e:2379'], tlsConfig: { certificateAuthority: { certificate: { content: base64(ca.certificate) } } } },
    };
    expect((await failure(resolveDataStoreConnection(noClient, managementWith({})))).message).toMatch(/^spec\.tlsConfig\.clientCertificate:/);
    const noAuth: DataStore = { ...noClient, spec: { ...noClient.spec, driver: 'MySQL' } };
    expect((await failure(resolveDataStoreConnection(noAuth, managementWith({})))).message).toMatch(/^spec\.basicAuth:/);
  });
});

describe('parseEndpoint', () => {
  it('accepts host:port and [v6]:port and names the field otherwise', () => {
    expect(parseEndpoint('db:3306', 'f')).toEqual({ host: 'db', port: 3306 });
    expect(parseEndpoint('[::1]:5432', 'f')).toEqual({ host: '::1', port: 5432 });
    expect(() => parseEndpoint('db', 'spec.endpoints[0]')).toThrow('spec.endpoints[0]: "db" is not host:port');
    expect(() => parseEndpoint('db:0', 'spec.endpoints[0]')).toThrow(DataStoreCheckError);
  });
});
