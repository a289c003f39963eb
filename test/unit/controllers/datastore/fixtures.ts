// A real Registry over memory storage serving both kinds, with the DataStore admission hooks wired
// as main.ts wires them, and small builders for valid objects.
import pino from 'pino';
import { allDeclarations, apiVersion, type DataStore, type TenantControlPlane, type TenantControlPlaneSpec } from '../../../../src/apis/index.ts';
import type { KubeObject, UserInfo } from '../../../../src/apis/meta.ts';
import { createDataStoreAdmission } from '../../../../src/controllers/datastore/admission.ts';
import { Registry } from '../../../../src/registry/registry.ts';
import { createResourceStore } from '../../../../src/registry/resource-store.ts';
import type { ResourceStore } from '../../../../src/registry/store.ts';
import { MemoryDatastore, MemoryStorage } from '../../../../src/storage/memory.ts';

export const admin: UserInfo = { username: 'admin', groups: ['system:masters'] };
export const logger = pino({ level: 'silent' });

export function newRegistry(): { registry: Registry; dataStores: ResourceStore; tenantControlPlanes: ResourceStore } {
  const storage = new MemoryStorage(new MemoryDatastore());
  let registry: Registry | undefined;
  const admission = createDataStoreAdmission({ resource: (plural) => registry?.resource(plural) });
  registry = new Registry(
    allDeclarations.map((declaration) => ({
      store: createResourceStore(declaration, storage, { defaulting: {}, admission: admission[declaration.plural] ?? [] }),
    })),
  );
  return { registry, dataStores: registry.resource('datastores')!.store, tenantControlPlanes: registry.resource('tenantcontrolplanes')!.store };
}

export function dataStore(name: string, driver: DataStore['spec']['driver'] = 'PostgreSQL'): KubeObject {
  const object: DataStore = {
    apiVersion,
    kind: 'DataStore',
    metadata: { name },
    spec: {
      driver,
      endpoints: ['db.example.com:5432'],
      basicAuth: { username: { content: 'a2FtYWpp' }, password: { content: 'c2VjcmV0' } },
      ...(driver === 'etcd'
        ? {
            tlsConfig: {
              certificateAuthority: { certificate: { content: 'Y2E=' }, privateKey: { content: 'a2V5' } },
              clientCertificate: { certificate: { content: 'Y2VydA==' }, privateKey: { content: 'a2V5' } },
            },
          }
        : {}),
    },
  };
  return object as unknown as KubeObject;
}

export function tenantControlPlane(name: string, spec: Partial<TenantControlPlaneSpec> = {}, namespace = 'tenants'): KubeObject {
  const object: TenantControlPlane = {
    apiVersion,
    kind: 'TenantControlPlane',
    metadata: { name, namespace },
    spec: {
      controlPlane: { service: { serviceType: 'ClusterIP' } },
      kubernetes: { version: 'v1.33.1', kubelet: {} },
      ...spec,
    },
  };
  return object as unknown as KubeObject;
}

/** The Status a rejected call carried. */
export async function statusOf(call: Promise<unknown>): Promise<{ code: number; reason: string; message: string; details?: { causes?: { field?: string }[] } }> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  const status = (error as { status?: unknown } | undefined)?.status;
  if (!status) throw new Error(`expected a Status error, got ${String(error)}`);
  return status as never;
}
