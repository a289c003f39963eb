// Admission rules that join the two kinds, plugged into the registry by main.ts:
// - a DataStore that TenantControlPlanes use cannot be deleted (409 naming them);
// - a TenantControlPlane must name DataStores that exist (422 on spec.dataStore), and its schema
//   and user may not be another tcp's in the same DataStore (they would share, or take, its data).
import type { DataStore, TenantControlPlane } from '../../apis/index.ts';
import type { FieldError, KubeObject } from '../../apis/meta.ts';
import type { AdmissionHook, AdmissionRequest } from '../../registry/admission.ts';
import { ApiError, conflict } from '../../registry/errors.ts';
import type { Registry } from '../../registry/registry.ts';
import type { ResourceStore } from '../../registry/store.ts';
import { EXCLUSIVE_NAME_FIELDS, type TenantControlPlaneNames } from './tenant-names.ts';
import { usersOf } from './users.ts';

/** Hooks by resource plural: `admission: dataStoreAdmission[declaration.plural] ?? []`. */
export type DataStoreAdmission = Readonly<Record<string, readonly AdmissionHook[]>>;

/**
 * `registry` is asked at request time only, so main.ts can pass a late-bound lookup
 * (`{ resource: (plural) => registry.resource(plural) }`): the Registry is built from the stores
 * that take these hooks. `names` answers the shared-schema and shared-user check.
 */
export function createDataStoreAdmission(registry: Pick<Registry, 'resource'>, names: TenantControlPlaneNames): DataStoreAdmission {
  const store = (plural: string): ResourceStore | undefined => registry.resource(plural)?.store;
  return {
    datastores: [(request) => refuseDeletionInUse(request, store)],
    tenantcontrolplanes: [(request) => requireDataStores(request, store, names)],
  };
}

async function refuseDeletionInUse(request: AdmissionRequest, store: (plural: string) => ResourceStore | undefined): Promise<void> {
  if (request.operation !== 'DELETE' || !request.oldObject) return;
  const tenantControlPlanes = store('tenantcontrolplanes');
  if (!tenantControlPlanes) return;
  const name = request.oldObject.metadata.name ?? '';
  const users = usersOf(name, (await tenantControlPlanes.list({})).items);
  if (users.length === 0) return;
  throw conflict(
    { group: request.oldObject.apiVersion.split('/')[0] ?? '', resource: 'datastores' },
    name,
    `DataStore is in use by TenantControlPlane${users.length > 1 ? 's' : ''} ${users.join(', ')}; delete them or move them to another DataStore first`,
  );
}

async function requireDataStores(
  request: AdmissionRequest,
  store: (plural: string) => ResourceStore | undefined,
  names: TenantControlPlaneNames,
): Promise<FieldError[]> {
  if (request.operation === 'DELETE' || !request.object) return [];
  const dataStores = store('datastores') as ResourceStore<DataStore & KubeObject> | undefined;
  if (!dataStores) return [];
  const tcp = request.object as unknown as TenantControlPlane;
  const old = request.oldObject as unknown as TenantControlPlane | undefined;
  const spec = tcp.spec;
  const errors: FieldError[] = [];
  const lookup = (name: string) => getDataStore(dataStores, name);

  // Updates are checked only where they change something: an object admitted once stays
  // writable (status, finalizers) even if the world around it moved.
  const dataStoreChanged = !old || old.spec.dataStore !== spec.dataStore;
  if (dataStoreChanged) {
    if (!spec.dataStore) {
      errors.push({ type: 'FieldValueRequired', field: 'spec.dataStore', detail: 'name the DataStore that keeps this control plane\'s state (the server has no --default-datastore)' });
    } else if (!(await lookup(spec.dataStore))) {
      errors.push({ type: 'FieldValueInvalid', field: 'spec.dataStore', value: spec.dataStore, detail: `no DataStore "${spec.dataStore}" exists (kubectl get datastores lists them)` });
    }
  }
  const oldOverrides = new Set((old?.spec.dataStoreOverrides ?? []).map((o) => `${o.resource}\u0000${o.dataStore}`));
  for (const [i, override] of (spec.dataStoreOverrides ?? []).entries()) {
    if (oldOverrides.has(`${override.resource}\u0000${override.dataStore}`)) continue;
    const field = `spec.dataStoreOverrides[${i}].dataStore`;
    const dataStore = await lookup(override.dataStore);
    if (!dataStore) {
      errors.push({ type: 'FieldValueInvalid', field, value: override.dataStore, detail: `no DataStore "${override.dataStore}" exists` });
    } else if (dataStore.spec.driver !== 'etcd') {
      errors.push({ type: 'FieldValueInvalid', field, value: override.dataStore, detail: `overrides need an etcd DataStore; "${override.dataStore}" is ${dataStore.spec.driver}` });
    }
  }
  if (spec.dataStore && dataStoreChanged) errors.push(...(await sharedNames(tcp, names)));
  return errors;
}

/** Another tcp in the same DataStore with the same schema or user would share that tcp's data. */
async function sharedNames(tcp: TenantControlPlane, names: TenantControlPlaneNames): Promise<FieldError[]> {
  const self = `${tcp.metadata.namespace}/${tcp.metadata.name}`;
  const dataStore = tcp.spec.dataStore!;
  const errors: FieldError[] = [];
  for (const field of EXCLUSIVE_NAME_FIELDS) {
    const value = tcp.spec[field];
    const holder = value ? (await names.holders(dataStore, field, value)).find((key) => key !== self) : undefined;
    if (value && holder) {
      errors.push({ type: 'FieldValueInvalid', field: `spec.${field}`, value, detail: `already used by TenantControlPlane ${holder} in DataStore "${dataStore}"` });
    }
  }
  return errors;
}

/**
 * The watch cache answers first (no storage round trip on every tcp create); only a miss, which may
 * be a DataStore created a moment ago through another replica, asks storage before refusing.
 */
async function getDataStore(dataStores: ResourceStore<DataStore & KubeObject>, name: string): Promise<DataStore | undefined> {
  const found = async (resourceVersion?: string) => {
    try {
      return await dataStores.get(undefined, name, resourceVersion ? { resourceVersion } : undefined);
    } catch (error) {
      if (error instanceof ApiError && error.code === 404) return undefined;
      throw error;
    }
  };
  return (await found('0')) ?? (await found());
}
