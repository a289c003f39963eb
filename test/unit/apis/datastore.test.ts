// DataStore rules: Kamaji's CEL validations (auth and TLS completeness, immutable driver) and endpoints.
import { describe, expect, test } from 'vitest';
import { apiVersion, dataStoreDeclaration as declaration, type ContentRef, type DataStore, type DataStoreSpec } from '../../../src/apis/index.ts';
import { admitCreate, admitUpdate, summary } from './admission.ts';

const secret = (keyPath: string): ContentRef => ({ secretReference: { name: 'creds', namespace: 'kamaji-system', keyPath } });

function dataStore(spec: DataStoreSpec): DataStore {
  return { apiVersion, kind: 'DataStore', metadata: { name: 'store' }, spec };
}

const etcd = (): DataStoreSpec => ({
  driver: 'etcd',
  endpoints: ['etcd-0.etcd.kamaji-system.svc:2379'],
  tlsConfig: {
    certificateAuthority: { certificate: secret('ca.crt'), privateKey: secret('ca.key') },
    clientCertificate: { certificate: secret('tls.crt'), privateKey: secret('tls.key') },
  },
});

const postgres = (): DataStoreSpec => ({
  driver: 'PostgreSQL',
  endpoints: ['127.0.0.1:5432'],
  basicAuth: { username: { content: 'cG9zdGdyZXM=' }, password: secret('password') },
});

const createErrors = (spec: DataStoreSpec) => summary(admitCreate(declaration, dataStore(spec)).errors);

describe('declaration', () => {
  test('names, scope and printer columns', () => {
    expect(declaration).toMatchObject({
      group: 'tenancy.kamaji.io',
      version: 'v1alpha1',
      kind: 'DataStore',
      listKind: 'DataStoreList',
      plural: 'datastores',
      singular: 'datastore',
      categories: ['kamaji'],
      scope: 'Cluster',
      statusSubresource: true,
      customSubresources: [],
    });
    expect(declaration.printerColumns.map((c) => [c.name.toUpperCase(), c.jsonPath, c.type])).toEqual([
      ['DRIVER', '.spec.driver', 'string'],
      ['READY', '.status.ready', 'boolean'],
      ['AGE', '.metadata.creationTimestamp', 'date'],
    ]);
  });
});

describe('validation on create', () => {
  test('complete etcd, PostgreSQL and MySQL DataStores are valid', () => {
    expect(createErrors(etcd())).toEqual([]);
    expect(createErrors(postgres())).toEqual([]);
    expect(createErrors({ ...postgres(), driver: 'MySQL', endpoints: ['[fd00::5]:3306'] })).toEqual([]);
    const tlsOnly: DataStoreSpec = { driver: 'PostgreSQL', endpoints: ['db:5432'], tlsConfig: { certificateAuthority: { certificate: secret('ca.crt') } } };
    expect(createErrors(tlsOnly)).toEqual([]);
  });

  test('driver is required and must be a supported one', () => {
    const errors = admitCreate(declaration, dataStore({ ...postgres(), driver: 'NATS' as 'etcd' })).errors;
    expect(summary(errors)).toEqual(['spec.driver: FieldValueNotSupported']);
    expect(errors[0]!.supportedValues).toEqual(['etcd', 'MySQL', 'PostgreSQL']);
  });

  test('etcd requires tlsConfig with the CA key and a client certificate', () => {
    const { tlsConfig: _, ...withoutTls } = etcd();
    expect(createErrors(withoutTls as DataStoreSpec)).toEqual(['spec.tlsConfig: FieldValueRequired']);
    const partial = etcd();
    delete partial.tlsConfig!.certificateAuthority.privateKey;
    delete partial.tlsConfig!.clientCertificate;
    expect(createErrors(partial)).toEqual([
      'spec.tlsConfig.certificateAuthority.privateKey: FieldValueRequired',
      'spec.tlsConfig.clientCertificate: FieldValueRequired',
    ]);
    const noKey = etcd();
    delete (noKey.tlsConfig!.clientCertificate as Partial<NonNullable<typeof noKey.tlsConfig>['clientCertificate'] & object>).privateKey;
    expect(createErrors(noKey)).toEqual(['spec.tlsConfig.clientCertificate.privateKey: FieldValueRequired']);
  });

  test('SQL drivers need basicAuth or tlsConfig', () => {
    expect(createErrors({ driver: 'MySQL', endpoints: ['db:3306'] })).toEqual(['spec.basicAuth: FieldValueRequired']);
  });

  test('every content reference needs content or a secretReference, and a secretReference needs keyPath', () => {
    expect(createErrors({ ...postgres(), basicAuth: { username: {}, password: secret('p') } })).toEqual(['spec.basicAuth.username: FieldValueRequired']);
    expect(createErrors({ ...postgres(), basicAuth: { username: secret('u'), password: { secretReference: { name: 'x', namespace: 'y' } as never } } })).toEqual([
      'spec.basicAuth.password.secretReference.keyPath: FieldValueRequired',
    ]);
    expect(createErrors({ ...postgres(), basicAuth: { username: { content: 'not base64!' }, password: secret('p') } })).toEqual([
      'spec.basicAuth.username.content: FieldValueTypeInvalid',
    ]);
    expect(createErrors({ ...postgres(), basicAuth: { username: secret('u') } as never })).toEqual(['spec.basicAuth.password: FieldValueRequired']);
  });

  test('endpoints: at least one, each a bare host:port', () => {
    expect(createErrors({ ...postgres(), endpoints: [] })).toEqual(['spec.endpoints: FieldValueInvalid']);
    const bad = ['https://db:5432', 'db', 'db:0', 'db:99999', '[not-ipv6]:5432', 'fd00::1:5432', 'under_score:5432'];
    expect(createErrors({ ...postgres(), endpoints: bad })).toEqual(bad.map((_, i) => `spec.endpoints[${i}]: FieldValueInvalid`));
    expect(createErrors({ ...postgres(), endpoints: ['10.0.0.1:5432', '[::1]:5432', 'DB.Example.com:5432'] })).toEqual([]);
  });
});

describe('validation on update', () => {
  test('driver is immutable', () => {
    const old = admitCreate(declaration, dataStore(postgres())).object;
    const next = structuredClone(old);
    next.spec.driver = 'MySQL';
    const errors = admitUpdate(declaration, next, old);
    expect(errors).toEqual([{ type: 'FieldValueInvalid', field: 'spec.driver', value: 'MySQL', detail: 'field is immutable' }]);
    expect(admitUpdate(declaration, old, old)).toEqual([]);
  });
});
