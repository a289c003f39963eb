// The TenantControlPlane controller: the reconciler behind a work queue, fed by the registry's
// TenantControlPlanes and DataStores and by the management-cluster objects the tcps own.
import type { KubeConfig, KubernetesListObject, KubernetesObject, V1Secret } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { ResourceStore } from '../../registry/store.ts';
import { Controller } from '../runtime/controller.ts';
import type { EventRecorder } from '../runtime/event-recorder.ts';
import type { KubeClient } from '../runtime/kube-client.ts';
import { ManagementInformer } from '../runtime/management-informer.ts';
import { objectKey, type RegistryInformer } from '../runtime/registry-informer.ts';
import type { TenantDatastores } from './datastore-setup.ts';
import { LABEL_NAME } from './names.ts';
import { changesTenantControlPlanes, isPaused, onlyStatusChanged, usesDataStore } from './pass-triggers.ts';
import { TenantControlPlaneReconciler } from './reconciler.ts';
import type { TenantControlPlaneOptions } from './step.ts';

export interface TenantControlPlaneControllerDeps {
  /** Where passes write (finalizers, status). */
  tenantControlPlanes: ResourceStore;
  /** What passes read, shared with the other controllers; started by start() if nobody did. */
  tenantControlPlaneInformer: RegistryInformer;
  dataStoreInformer: RegistryInformer;
  managementKubeConfig: KubeConfig;
  managementClient: KubeClient;
  datastores: TenantDatastores;
  events: EventRecorder;
  logger: Logger;
  workers: number;
  options: TenantControlPlaneOptions;
}

/** Owned management objects, watched in every namespace by our label. */
const OWNED_KINDS: { path: string; apiVersion: string; kind: string }[] = [
  { path: '/apis/apps/v1/deployments', apiVersion: 'apps/v1', kind: 'Deployment' },
  { path: '/api/v1/services', apiVersion: 'v1', kind: 'Service' },
  { path: '/api/v1/secrets', apiVersion: 'v1', kind: 'Secret' },
  // Pods tell when an image cannot be pulled or a container crashes.
  { path: '/api/v1/pods', apiVersion: 'v1', kind: 'Pod' },
];

export class TenantControlPlaneController {
  readonly #controller: Controller;
  readonly #tcpInformer: RegistryInformer;
  readonly #dataStoreInformer: RegistryInformer;
  readonly #managementInformers: ManagementInformer<KubernetesObject>[];
  /** Removes this controller's handlers from the shared informers. */
  readonly #unsubscribe: (() => void)[] = [];

  constructor(deps: TenantControlPlaneControllerDeps) {
    const logger = deps.logger.child({ controller: 'tenantcontrolplane' });
    this.#tcpInformer = deps.tenantControlPlaneInformer;
    this.#dataStoreInformer = deps.dataStoreInformer;
    const enqueue = (key: string) => this.#controller.enqueue(key);

    const managementInformers = new Map(
      OWNED_KINDS.map(({ path, apiVersion, kind }) => [
        kind,
        new ManagementInformer<KubernetesObject>({
          managementKubeConfig: deps.managementKubeConfig,
          path,
          labelSelector: LABEL_NAME,
          list: (labelSelector) =>
            deps.managementClient.list(apiVersion, kind, undefined, undefined, undefined, undefined, undefined, labelSelector) as Promise<
              KubernetesListObject<KubernetesObject>
            >,
          onChange: (object) => {
            const owner = object.metadata?.labels?.[LABEL_NAME];
            if (owner && object.metadata?.namespace) enqueue(`${object.metadata.namespace}/${owner}`);
          },
          logger,
        }),
      ]),
    );
    this.#managementInformers = [...managementInformers.values()];
    const secrets = managementInformers.get('Secret')!;

    const reconciler = new TenantControlPlaneReconciler({
      ...deps,
      tenantControlPlaneCache: this.#tcpInformer,
      dataStoreCache: this.#dataStoreInformer,
      secretCache: { get: (namespace, name) => secrets.get(namespace, name) as V1Secret | undefined },
      logger,
    });
    this.#controller = new Controller({
      name: 'tenantcontrolplane',
      reconcile: (key) => reconciler.reconcile(key),
      workers: deps.workers,
      logger,
    });

    // Objects the user paused (Kamaji's annotation) are not even queued: thousands of paused
    // objects coming and going cost no reconciles. Unpausing is a change, and queues the key.
    // Nor is a change of status alone: the passes write it, and it is derived from everything else.
    const onTenantControlPlane = this.#tcpInformer.on((type, tcp, previous) => {
      if (isPaused(tcp)) return;
      if (type === 'MODIFIED' && previous && onlyStatusChanged(previous, tcp)) return;
      enqueue(objectKey(tcp));
    });

    // A pass reads a DataStore's spec and readiness only: a status that merely lists its users
    // changes with every tcp that comes or goes, and must not send every tcp round again.
    const onDataStore = this.#dataStoreInformer.on((type, dataStore, previous) => {
      if (type === 'MODIFIED' && previous && !changesTenantControlPlanes(previous, dataStore)) return;
      for (const tcp of this.#tcpInformer.list()) {
        if (!isPaused(tcp) && usesDataStore(tcp, dataStore.metadata.name ?? '')) enqueue(objectKey(tcp));
      }
    });
    this.#unsubscribe.push(onTenantControlPlane, onDataStore);
  }

  async start(): Promise<void> {
    // Passes read the caches: the DataStores must be there before the first tcp is handed out.
    await this.#dataStoreInformer.start();
    await this.#tcpInformer.start();
    this.#controller.start();
    await Promise.all(this.#managementInformers.map((informer) => informer.start()));
  }

  /** Stops the queue and the management informers; the registry informers are their owner's to stop. */
  async stop(): Promise<void> {
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    await Promise.all(this.#managementInformers.map((informer) => informer.stop()));
    await this.#controller.stop();
  }
}
