// A real Registry over memory storage serving both kinds, with the DataStore admission hooks wired
// as main.ts wires them, and small builders for valid objects.
import pino from 'pino';
import { apiVersion, type DataStore, type TenantControlPlane, type TenantControlPlaneSpec } from '../../../../src/apis/index.ts';
import type { KubeObject, UserInfo } from '../../../../src/apis/meta.ts';
import { onTestFinished } from 'vitest';
import type { RegistryInformer } from '../../../../src/controllers/runtime/registry-informer.ts';
import { createTenancyRegistry } from '../../../../src/tenancy-registry.ts';
import type { Registry } from '../../../../src/registry/registry.ts';
import type { ResourceStore } from '../../../../src/registry/store.ts';
import { instrumentStorage } from '../../../../src/storage/instrumented.ts';
import { MemoryDatastore, MemoryStorage } from '../../../../src/storage/memory.ts';

export const admin: UserInfo = { username: 'admin', groups: ['system:masters'] };
export const logger = pino({ level: 'silent' });

export interface TestRegistry {
  registry: Registry;
  dataStores: ResourceStore;
  tenantControlPlanes: ResourceStore;
  /** What the admission's names index follows: once it has seen a change, so has the index. */
  tenantControlPlaneInformer: RegistryInformer;
  /** Storage calls by operation (get, list, create, ...), counted from the start. */
  storageCalls: Map<string, number>;
}

export function newRegistry(): TestRegistry {
  const storageCalls = new Map<string, number>();
  const storage = instrumentStorage(new MemoryStorage(new MemoryDatastore()), (operation) => storageCalls.set(operation, (storageCalls.get(operation) ?? 0) + 1));
  const { registry, tenantControlPlaneInformer, close } = createTenancyRegistry({ storage, logger });
  onTestFinished(close);
  return {
    registry,
    dataStores: registry.resource('datastores')!.store,
    tenantControlPlanes: registry.resource('tenantcontrolplanes')!.store,
    tenantControlPlaneInformer,
    storageCalls,
  };
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
