// The TenantControlPlane controller: the reconciler behind a work queue, fed by the registry's
// TenantControlPlanes and DataStores and by the management-cluster objects the tcps own.
import type { KubeConfig, KubernetesListObject, KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { TenantControlPlane } from '../../apis/index.ts';
import type { KubeObject } from '../../apis/meta.ts';
import type { ResourceStore } from '../../registry/store.ts';
import { Controller } from '../runtime/controller.ts';
import type { EventRecorder } from '../runtime/event-recorder.ts';
import type { KubeClient } from '../runtime/kube-client.ts';
import { ManagementInformer } from '../runtime/management-informer.ts';
import { RegistryInformer, objectKey } from '../runtime/registry-informer.ts';
import type { TenantDatastores } from './datastore-setup.ts';
import { LABEL_NAME } from './names.ts';
import { TenantControlPlaneReconciler } from './reconciler.ts';
import type { TenantControlPlaneOptions } from './step.ts';

export interface TenantControlPlaneControllerDeps {
  tenantControlPlanes: ResourceStore;
  dataStores: ResourceStore;
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

  constructor(deps: TenantControlPlaneControllerDeps) {
    const logger = deps.logger.child({ controller: 'tenantcontrolplane' });
    const reconciler = new TenantControlPlaneReconciler({ ...deps, logger });
    this.#controller = new Controller({
      name: 'tenantcontrolplane',
      reconcile: (key) => reconciler.reconcile(key),
      workers: deps.workers,
      logger,
    });
    const enqueue = (key: string) => this.#controller.enqueue(key);

    this.#tcpInformer = new RegistryInformer(deps.tenantControlPlanes, logger);
    this.#tcpInformer.on((_type, tcp) => enqueue(objectKey(tcp)));

    this.#dataStoreInformer = new RegistryInformer(deps.dataStores, logger);
    this.#dataStoreInformer.on((_type, dataStore) => {
      for (const tcp of this.#tcpInformer.list()) {
        if (usesDataStore(tcp, dataStore.metadata.name ?? '')) enqueue(objectKey(tcp));
      }
    });

    this.#managementInformers = OWNED_KINDS.map(
      ({ path, apiVersion, kind }) =>
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
    );
  }

  async start(): Promise<void> {
    this.#controller.start();
    await this.#tcpInformer.start();
    await this.#dataStoreInformer.start();
    await Promise.all(this.#managementInformers.map((informer) => informer.start()));
  }

  async stop(): Promise<void> {
    this.#tcpInformer.stop();
    this.#dataStoreInformer.stop();
    await Promise.all(this.#managementInformers.map((informer) => informer.stop()));
    await this.#controller.stop();
  }
}

function usesDataStore(object: KubeObject, dataStoreName: string): boolean {
  const tcp = object as unknown as TenantControlPlane;
  return tcp.spec?.dataStore === dataStoreName || tcp.status?.storage?.dataStoreName === dataStoreName;
}
