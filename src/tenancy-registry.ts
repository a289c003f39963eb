// The Registry of tenancy.kamaji.io as the server runs it: every kind over one storage, the
// DataStore admission rules, the kubeconfig and join subresources, and the one informer over the
// tcps that the admission's names index and, on the leader, the controllers share (one copy of
// every tcp per process). main.ts, the tests and the measuring scripts all build it here, so they
// run what the server runs.
import type { Logger } from 'pino';
import { allDeclarations, tenantControlPlaneDeclaration } from './apis/index.ts';
import type { DefaultingContext } from './apis/declaration.ts';
import { createDataStoreAdmission, TenantControlPlaneNames } from './controllers/datastore/index.ts';
import type { KubeClient } from './controllers/runtime/kube-client.ts';
import { RegistryInformer } from './controllers/runtime/registry-informer.ts';
import { createJoinSubresource, createKubeconfigSubresource } from './controllers/subresources/index.ts';
import { Registry } from './registry/registry.ts';
import { createResourceStore } from './registry/resource-store.ts';
import type { SubresourceHandler } from './registry/store.ts';
import type { Storage } from './storage/index.ts';

export interface TenancyRegistryOptions {
  storage: Storage;
  defaulting?: DefaultingContext;
  logger: Logger;
  /** The kubeconfig and join subresources read the tenant's Secrets there; without it tcps have neither. */
  managementClient?: KubeClient;
  /** Which admin kubeconfig the subresources hand out: `super-admin.svc` (in-cluster Service) or `super-admin.conf`. */
  tenantKubeconfigKey?: string;
}

export interface TenancyRegistry {
  registry: Registry;
  /** Started on first use (admission or controllers). */
  tenantControlPlaneInformer: RegistryInformer;
  /** Stops the informer and closes every store (not the storage, which the caller made). */
  close(): void;
}

export function createTenancyRegistry(options: TenancyRegistryOptions): TenancyRegistry {
  const { storage, logger, managementClient } = options;
  // Admission hooks and subresource handlers look stores up at request time, so they can be built
  // before the Registry that holds them.
  let registry: Registry | undefined;
  const lateRegistry = { resource: (plural: string) => registry?.resource(plural) };
  const tenantNames = new TenantControlPlaneNames();
  const admission = createDataStoreAdmission(lateRegistry, tenantNames);
  const tenantKubeconfigKey = options.tenantKubeconfigKey ?? 'super-admin.svc';
  const subresourcesOf = (plural: string): SubresourceHandler[] =>
    plural === tenantControlPlaneDeclaration.plural && managementClient
      ? [
          createKubeconfigSubresource({ registry: lateRegistry, managementClient }),
          createJoinSubresource({ registry: lateRegistry, managementClient, tenantKubeconfigKey }),
        ]
      : [];
  const built = new Registry(
    allDeclarations.map((declaration) => ({
      store: createResourceStore(declaration, storage, { defaulting: options.defaulting ?? {}, logger, admission: admission[declaration.plural] ?? [] }),
      subresources: subresourcesOf(declaration.plural),
    })),
  );
  registry = built;
  const tenantControlPlaneInformer = new RegistryInformer(built.resource(tenantControlPlaneDeclaration.plural)!.store, logger);
  tenantNames.follow(tenantControlPlaneInformer);
  return {
    registry: built,
    tenantControlPlaneInformer,
    close: () => {
      tenantControlPlaneInformer.stop();
      built.close();
    },
  };
}
