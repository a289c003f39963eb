// The public face of src/apis: both kinds, their types, and the schema machinery.
import type { ResourceDeclaration } from './declaration.ts';
import { dataStoreDeclaration } from './datastore.ts';
import { tenantControlPlaneDeclaration } from './tenantcontrolplane.ts';

export { apiVersion, group, version } from './group.ts';
export { tenantControlPlaneDeclaration } from './tenantcontrolplane.ts';
export type { TenantControlPlane, TenantControlPlaneSpec, TenantControlPlaneStatus } from './tenantcontrolplane.ts';
export { dataStoreDeclaration } from './datastore.ts';
export type { ContentRef, DataStore, DataStoreDriver, DataStoreSpec, DataStoreStatus } from './datastore.ts';
export { dataStoreDrivers } from './datastore/schema.ts';
export { dataStoreIdentifierFor } from './tenantcontrolplane/defaults.ts';
export { konnectivityVersionFor, parseKubernetesVersion, supportedKubernetesMinors } from './tenantcontrolplane/version.ts';
export { cidrContains, dnsServiceIPFor, ipFamily, networkAddress, parseCidr, type Cidr } from './network.ts';
export { applySchemaDefaults } from './schema/defaults.ts';
export { validateAgainstSchema } from './schema/validate.ts';
export { findUnknownFields, pruneUnknownFields } from './schema/unknown-fields.ts';
export type { FromSchema } from './schema/types.ts';

/** Every kind this server serves, in discovery order. */
export const allDeclarations: readonly ResourceDeclaration[] = [
  tenantControlPlaneDeclaration,
  dataStoreDeclaration,
];
