// TypeScript types of DataStore, derived from its schema.
import type { ObjectMeta } from '../meta.ts';
import type { FromSchema } from '../schema/types.ts';
import type { dataStoreSchema } from './schema.ts';

type Properties = (typeof dataStoreSchema)['properties'];

export type DataStoreSpec = FromSchema<Properties['spec']>;
export type DataStoreStatus = FromSchema<Properties['status']>;
export type DataStoreDriver = DataStoreSpec['driver'];
/** Kamaji's ContentRef: inline base64 content or a Secret key. */
export type ContentRef = NonNullable<DataStoreSpec['basicAuth']>['username'];

export type DataStore = {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec: DataStoreSpec;
  status?: DataStoreStatus;
};
