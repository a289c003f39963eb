// One interface over the three drivers for what Kamaji-TS does in a DataStore: check that it can
// connect, and create or remove a tenant's schema (database or etcd key prefix) and user.
import type { DataStoreConnection } from './connection.ts';
import { createEtcdTenantAdmin } from './etcd-tenant-admin.ts';
import { createMysqlTenantAdmin } from './mysql-tenant-admin.ts';
import { createPostgresTenantAdmin } from './postgres-tenant-admin.ts';

export interface TenantRef {
  schema: string;
  username: string;
}

export interface EnsureTenantRequest extends TenantRef {
  /** SQL only: the password the caller keeps for this user; a fresh random one when absent. */
  password?: string;
}

export interface EnsureTenantResult {
  /** True when anything was created, granted or (re)set. */
  changed: boolean;
  /** SQL only: the user's password now in effect. etcd users authenticate by certificate. */
  password?: string;
}

export interface TenantDatastoreAdmin {
  /** Connects and proves the credentials work; throws DataStoreCheckError with the reason. */
  checkConnection(): Promise<void>;
  /** Idempotent: creates what is missing and leaves the rest as it is. */
  ensureTenant(request: EnsureTenantRequest): Promise<EnsureTenantResult>;
  /** Idempotent: drops the tenant's data, grants and user; absent pieces are fine. */
  removeTenant(tenant: TenantRef): Promise<void>;
  close(): Promise<void>;
}

export function createTenantDatastoreAdmin(connection: DataStoreConnection): TenantDatastoreAdmin {
  switch (connection.driver) {
    case 'etcd':
      return createEtcdTenantAdmin(connection);
    case 'PostgreSQL':
      return createPostgresTenantAdmin(connection);
    case 'MySQL':
      return createMysqlTenantAdmin(connection);
  }
}
