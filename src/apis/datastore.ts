// The DataStore kind, declared once. Everything else derives from this object.
import { dataStoreSchema } from './datastore/schema.ts';
import type { DataStore } from './datastore/types.ts';
import { validateDataStoreCreate, validateDataStoreUpdate } from './datastore/validation.ts';
import type { ResourceDeclaration } from './declaration.ts';
import { group, version } from './group.ts';

export type { ContentRef, DataStore, DataStoreDriver, DataStoreSpec, DataStoreStatus } from './datastore/types.ts';

export const dataStoreDeclaration: ResourceDeclaration<DataStore> = {
  group,
  version,
  kind: 'DataStore',
  listKind: 'DataStoreList',
  plural: 'datastores',
  singular: 'datastore',
  shortNames: [],
  categories: ['kamaji'],
  scope: 'Cluster',
  nameFormat: 'dns1123-subdomain',
  description: dataStoreSchema.description,
  schema: dataStoreSchema,
  printerColumns: [
    { name: 'Driver', type: 'string', description: 'Kamaji data store driver', priority: 0, jsonPath: '.spec.driver' },
    { name: 'Ready', type: 'boolean', description: 'Whether the DataStore settings were validated', priority: 0, jsonPath: '.status.ready' },
    { name: 'Age', type: 'date', description: 'Age', priority: 0, jsonPath: '.metadata.creationTimestamp' },
  ],
  statusSubresource: true,
  customSubresources: [],
  // Nothing is computed: every DataStore default is a schema default.
  defaultOnCreate: () => {},
  defaultOnUpdate: () => {},
  validateCreate: validateDataStoreCreate,
  validateUpdate: validateDataStoreUpdate,
};
