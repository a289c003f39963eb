// The TenantControlPlane controller's view of the DataStore package: each call resolves the
// DataStore's credentials (inline or from Secrets), opens an admin connection and closes it.
import type { DataStore } from '../../apis/index.ts';
import { resolveDataStoreConnection } from '../datastore/connection.ts';
import { createTenantDatastoreAdmin, type TenantDatastoreAdmin } from '../datastore/tenant-datastore-admin.ts';
import type { KubeClient } from '../runtime/kube-client.ts';
import type { TenantDatastores } from './datastore-setup.ts';

export function tenantDatastores(managementClient: KubeClient): TenantDatastores {
  const withAdmin = async <T>(dataStore: DataStore, work: (admin: TenantDatastoreAdmin) => Promise<T>): Promise<T> => {
    const admin = createTenantDatastoreAdmin(await resolveDataStoreConnection(dataStore, managementClient));
    try {
      return await work(admin);
    } finally {
      await admin.close();
    }
  };
  return {
    connection: (dataStore) => resolveDataStoreConnection(dataStore, managementClient),
    ensureTenant: (dataStore, tenant) => withAdmin(dataStore, (admin) => admin.ensureTenant(tenant)),
    removeTenant: (dataStore, tenant) => withAdmin(dataStore, (admin) => admin.removeTenant(tenant)),
  };
}
