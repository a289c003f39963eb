// TypeScript types of TenantControlPlane, derived from its schema.
import type { ObjectMeta } from '../meta.ts';
import type { FromSchema } from '../schema/types.ts';
import type { tenantControlPlaneSchema } from './schema.ts';

type Properties = (typeof tenantControlPlaneSchema)['properties'];

export type TenantControlPlaneSpec = FromSchema<Properties['spec']>;
export type TenantControlPlaneStatus = FromSchema<Properties['status']>;

export type TenantControlPlane = {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec: TenantControlPlaneSpec;
  status?: TenantControlPlaneStatus;
};
