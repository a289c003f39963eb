// The controllers of Kamaji-TS. Every replica calls startControllers; with leader election on, only
// the replica holding the Lease runs them, and another takes over within a lease duration.
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { Registry } from '../registry/registry.ts';
import type { ResourceStore } from '../registry/store.ts';
import { DataStoreController } from './datastore/controller.ts';
import { ManagementEventRecorder } from './runtime/event-recorder.ts';
import { makeKubeClient } from './runtime/kube-client.ts';
import { LeaderElector } from './runtime/leader-election.ts';
import { managementLeaseClient } from './runtime/lease-client.ts';
import { RegistryInformer } from './runtime/registry-informer.ts';
import { TenantControlPlaneController } from './tenantcontrolplane/controller.ts';
import { tenantDatastores } from './tenantcontrolplane/datastores.ts';

/** The Lease the replicas compete for (in `namespace`). */
export const LEASE_NAME = 'kamaji-ts-controllers';
/** The kine image of hack/versions.env (KINE_VERSION), the one the local cluster builds. */
export const DEFAULT_KINE_IMAGE = 'docker.io/rancher/kine:v0.16.4';

export interface StartControllersOptions {
  registry: Registry;
  managementKubeConfig: KubeConfig;
  /** Where the Lease lives (the pod's namespace). */
  namespace: string;
  /** This replica's name in the Lease (the pod name). */
  identity: string;
  maxConcurrentReconciles: number;
  /** Used for a TenantControlPlane whose spec.dataStore is empty (the registry normally fills it). */
  defaultDataStore?: string;
  /** Default true; false runs the controllers at once (a single replica, or local development). */
  leaderElect?: boolean;
  kineImage?: string;
  /**
   * How the controllers reach tenant API servers: `service` (default) through the Service's DNS name,
   * which needs Kamaji-TS inside the management cluster; `endpoint` through the control plane
   * endpoint, for a Kamaji-TS running outside it.
   */
  tenantAccess?: 'service' | 'endpoint';
  imagePullPolicy?: string;
  /**
   * The server's own informer over the TenantControlPlanes (the admission's names index keeps
   * one), so the leader holds one copy of every tcp rather than two. Started here if it is not yet;
   * never stopped here. Without it the controllers keep their own.
   */
  tenantControlPlaneInformer?: RegistryInformer;
  logger: Logger;
}

export interface RunningControllers {
  stop(): Promise<void>;
}

export function startControllers(options: StartControllersOptions): RunningControllers {
  const logger = options.logger.child({ component: 'controllers' });
  const managementClient = makeKubeClient(options.managementKubeConfig);
  const events = new ManagementEventRecorder(managementClient, options.identity, logger);
  const datastores = tenantDatastores(managementClient);

  const tenantControlPlaneStore = requireStore(options.registry, 'tenantcontrolplanes');
  const dataStoreStore = requireStore(options.registry, 'datastores');

  let running: { start(): Promise<void>; stop(): Promise<void> }[] = [];
  let informers: RegistryInformer[] = [];
  const startWork = () => {
    // One cache per resource for both controllers: every watch holds its own copy of each object.
    const dataStoreInformer = new RegistryInformer(dataStoreStore, logger);
    const tenantControlPlaneInformer = options.tenantControlPlaneInformer ?? new RegistryInformer(tenantControlPlaneStore, logger);
    informers = options.tenantControlPlaneInformer ? [dataStoreInformer] : [tenantControlPlaneInformer, dataStoreInformer];
    const dataStores = new DataStoreController({
      dataStores: dataStoreStore,
      dataStoreInformer,
      tenantControlPlaneInformer,
      managementClient,
      events,
      logger,
    });
    const tenantControlPlanes = new TenantControlPlaneController({
      tenantControlPlanes: tenantControlPlaneStore,
      tenantControlPlaneInformer,
      dataStoreInformer,
      managementKubeConfig: options.managementKubeConfig,
      managementClient,
      datastores,
      events,
      logger,
      workers: options.maxConcurrentReconciles,
      options: {
        kineImage: options.kineImage ?? DEFAULT_KINE_IMAGE,
        ...(options.imagePullPolicy ? { imagePullPolicy: options.imagePullPolicy } : {}),
        ...(options.defaultDataStore ? { defaultDataStore: options.defaultDataStore } : {}),
        ...(options.tenantAccess === 'endpoint' ? { tenantKubeconfigKey: 'super-admin.conf' } : {}),
      },
    });
    running = [dataStores, tenantControlPlanes];
    for (const controller of running) {
      void controller.start().catch((error: unknown) => logger.error({ err: String(error) }, 'a controller failed to start'));
    }
    logger.info({ workers: options.maxConcurrentReconciles }, 'controllers started');
  };
  const stopWork = async () => {
    const current = running;
    const currentInformers = informers;
    running = [];
    informers = [];
    await Promise.all(current.map((controller) => controller.stop()));
    for (const informer of currentInformers) informer.stop();
    logger.info('controllers stopped');
  };

  if (options.leaderElect === false) {
    startWork();
    return { stop: stopWork };
  }
  const elector = new LeaderElector({
    lease: managementLeaseClient(managementClient, options.namespace, LEASE_NAME),
    identity: options.identity,
    onStartedLeading: startWork,
    onStoppedLeading: stopWork,
    logger,
  });
  elector.start();
  return { stop: () => elector.stop() };
}

function requireStore(registry: Registry, plural: string): ResourceStore {
  const resource = registry.resource(plural);
  if (!resource) throw new Error(`the registry serves no ${plural}`);
  return resource.store;
}
