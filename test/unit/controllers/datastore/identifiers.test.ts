import { describe, expect, it } from 'vitest';
import { DataStoreCheckError } from '../../../../src/controllers/datastore/index.ts';
import { requireTenantNames } from '../../../../src/controllers/datastore/identifiers.ts';
import { grantDatabaseName } from '../../../../src/controllers/datastore/mysql-tenant-admin.ts';
import { dataStoreIdentifierFor } from '../../../../src/apis/index.ts';

describe('requireTenantNames', () => {
  it('accepts the defaulted identifiers on every driver', () => {
    const name = dataStoreIdentifierFor('0b3f6a2c-1d4e-4f5a-9b8c-7d6e5f4a3b2c');
    for (const driver of ['etcd', 'PostgreSQL', 'MySQL'] as const) {
      expect(requireTenantNames(driver, { schema: name, username: name })).toEqual({ schema: name, username: name });
    }
  });

  it.each([
    ['quotes and statements', 'a"; DROP DATABASE x; --'],
    ['backticks', 'a`b'],
    ['upper case', 'Tenant'],
    ['a leading digit', '1tenant'],
    ['dashes', 'ten-ant'],
    ['slashes (etcd prefixes)', 'a/b'],
    ['empty', ''],
  ])('refuses %s', (_, schema) => {
    expect(() => requireTenantNames('PostgreSQL', { schema, username: 'user' })).toThrow(DataStoreCheckError);
  });

  it('applies each database’s length limit', () => {
    const long33 = 'u'.repeat(33);
    expect(() => requireTenantNames('MySQL', { schema: 'db', username: long33 })).toThrow('at most 32');
    expect(requireTenantNames('PostgreSQL', { schema: 'db', username: long33 }).username).toBe(long33);
    expect(() => requireTenantNames('PostgreSQL', { schema: 's'.repeat(64), username: 'u' })).toThrow('at most 63');
  });

  it('refuses system names and the DataStore’s own user', () => {
    expect(() => requireTenantNames('MySQL', { schema: 'mysql', username: 'u' })).toThrow('reserved');
    expect(() => requireTenantNames('PostgreSQL', { schema: 'template1', username: 'u' })).toThrow('reserved');
    expect(() => requireTenantNames('etcd', { schema: 'db', username: 'root' })).toThrow('reserved');
    expect(() => requireTenantNames('PostgreSQL', { schema: 'db', username: 'pg_monitor' })).toThrow('reserved');
    expect(() => requireTenantNames('PostgreSQL', { schema: 'db', username: 'kamaji' }, 'kamaji')).toThrow('reserved');
  });
});

describe('grantDatabaseName', () => {
  it('escapes the LIKE wildcards MySQL reads in GRANT database names', () => {
    expect(grantDatabaseName('tcp_0a1b')).toBe('tcp\\_0a1b');
    expect(grantDatabaseName('plain')).toBe('plain');
  });
});
