// The DataStore package: connecting to DataStores, tenant setup in them, the DataStore controller
// and the admission rules that keep DataStores and TenantControlPlanes consistent.
export {
  formatEndpoint,
  parseEndpoint,
  resolveDataStoreConnection,
  type DataStoreConnection,
  type DataStoreEndpoint,
  type DataStoreTlsMaterial,
} from './connection.ts';
export { DataStoreCheckError, type DataStoreCheckReason } from './errors.ts';
export {
  createTenantDatastoreAdmin,
  type EnsureTenantRequest,
  type EnsureTenantResult,
  type TenantDatastoreAdmin,
  type TenantRef,
} from './tenant-datastore-admin.ts';
export { issueTenantEtcdClientCertificate } from './etcd-client-certificate.ts';
export {
  checkDataStoreWith,
  DATASTORE_RECHECK_MS,
  DataStoreController,
  reconcileDataStore,
  type DataStoreControllerDeps,
  type DataStoreReconcileDeps,
} from './controller.ts';
export { createDataStoreAdmission, type DataStoreAdmission } from './admission.ts';
export { TenantControlPlaneNames } from './tenant-names.ts';
export { dataStoresOf, usersOf } from './users.ts';
