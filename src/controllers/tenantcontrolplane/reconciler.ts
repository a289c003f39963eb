// One pass over one TenantControlPlane: read it, find its DataStore, run the ordered steps, write
// status once. A step that fails sets Ready=False with its reason, writes an event and backs off;
// a step that waits requeues; status.observedGeneration advances only when every step succeeded.
import { isIP } from 'node:net';
import type { Logger } from 'pino';
import type { DataStore, TenantControlPlane, TenantControlPlaneStatus } from '../../apis/index.ts';
import type { Condition, KubeObject, UserInfo } from '../../apis/meta.ts';
import { ApiError } from '../../registry/errors.ts';
import type { ResourceStore } from '../../registry/store.ts';
import type { ReconcileResult } from '../runtime/controller.ts';
import type { InformerCache } from '../runtime/registry-informer.ts';
import type { EventRecorder } from '../runtime/event-recorder.ts';
import { apiErrorMessage, apiStatusCode, deleteObject, kubeTime, type KubeClient } from '../runtime/kube-client.ts';
import { reconcileCredentials } from './credentials.ts';
import { cleanupDatastore, reconcileDatastore, type TenantDatastores } from './datastore-setup.ts';
import { TCP_FINALIZER, checksum } from './names.ts';
import { isPaused } from './pass-triggers.ts';
import { checkControlPlanePods, reconcileDeployment } from './reconcile-deployment.ts';
import type { SecretCache } from './owned-secrets.ts';
import { reconcileService } from './service.ts';
import { readyCondition, unsupportedFeatures, versionStatus, type VersionStatus } from './status.ts';
import { StepError, StepWait, type PassContext, type TenantControlPlaneOptions } from './step.ts';
import { reconcileTenantBootstrap } from './tenant-bootstrap.ts';

/** Who the controllers are when they write to the registry. */
export const CONTROLLER_USER: UserInfo = { username: 'system:kamaji-ts:controller', groups: ['system:authenticated'] };
const WRITE_OPTIONS = { user: CONTROLLER_USER, fieldManager: 'kamaji-ts-controller' };

/** A 409 from the registry or the management cluster: the object changed under us, or already exists. */
function isConflict(error: unknown): boolean {
  return (error instanceof ApiError && error.code === 409) || apiStatusCode(error) === 409;
}

/** How often a control plane is looked at even when nothing signals a change. */
export const RESYNC_MS = 5 * 60_000;

/** RESYNC_MS plus up to a fifth more, so tcps created together do not all come back together. */
function resyncDelay(): number {
  return RESYNC_MS + Math.floor(Math.random() * (RESYNC_MS / 5));
}

export interface TenantControlPlaneReconcilerDeps {
  /** Written to (finalizers, status); never read: a pass reads the caches. */
  tenantControlPlanes: ResourceStore;
  /** The informers' caches, keyed `namespace/name` and `name`. A stale entry costs a conflict and another pass. */
  tenantControlPlaneCache: InformerCache;
  dataStoreCache: InformerCache;
  managementClient: KubeClient;
  /** The Secrets the tcps own, as the controller's informer last saw them. */
  secretCache: SecretCache;
  datastores: TenantDatastores;
  events: EventRecorder;
  logger: Logger;
  options: TenantControlPlaneOptions;
}

export class TenantControlPlaneReconciler {
  readonly #deps: TenantControlPlaneReconcilerDeps;

  constructor(deps: TenantControlPlaneReconcilerDeps) {
    this.#deps = deps;
  }

  async reconcile(key: string): Promise<ReconcileResult> {
    const tcp = this.#deps.tenantControlPlaneCache.get(key) as unknown as TenantControlPlane | undefined;
    if (!tcp) return {};
    const logger = this.#deps.logger.child({ namespace: tcp.metadata.namespace, name: tcp.metadata.name });
    if (isPaused(tcp as unknown as KubeObject)) {
      logger.debug('paused; skipping');
      return {};
    }
    if (tcp.metadata.deletionTimestamp) return this.#finalize(tcp, logger);
    return this.#pass(tcp, logger);
  }

  #dataStore(name: string | undefined): DataStore | undefined {
    return name ? (this.#deps.dataStoreCache.get(name) as unknown as DataStore | undefined) : undefined;
  }

  async #pass(original: TenantControlPlane, logger: Logger): Promise<ReconcileResult> {
    let tcp = original;
    const status: TenantControlPlaneStatus = structuredClone(tcp.status ?? {});
    let outcome: { ready: boolean; reason: string; message: string; error?: StepError; wait?: StepWait };
    try {
      const dataStore = await this.#requireDataStore(tcp);
      const ctx: PassContext = {
        tcp,
        dataStore,
        status,
        managementClient: this.#deps.managementClient,
        secretCache: this.#deps.secretCache,
        datastores: this.#deps.datastores,
        events: this.#deps.events,
        logger,
        options: this.#deps.options,
        checksums: {},
      };
      const { endpoint, clusterIP } = await reconcileService(ctx);
      const credentials = await reconcileCredentials(ctx, endpoint, clusterIP);
      await reconcileDatastore(ctx);
      if (!tcp.metadata.finalizers?.includes(TCP_FINALIZER)) {
        tcp = await this.#setFinalizers(tcp, [...(tcp.metadata.finalizers ?? []), TCP_FINALIZER]);
        ctx.tcp = tcp;
      }
      const advertiseAddress = tcp.spec.networkProfile?.advertiseAddress || (isIP(endpoint.host) ? endpoint.host : undefined);
      const deployment = await reconcileDeployment(ctx, advertiseAddress, ctx.dataStoreTls ?? {});
      const version = versionStatus(tcp, deployment);
      setVersion(status, tcp, version);
      const unsupported = unsupportedFeatures(tcp);
      if (unsupported.length > 0) {
        throw new StepError('UnsupportedFeature', `not supported by Kamaji-TS yet, remove to continue: ${unsupported.join(', ')}`);
      }
      if (version === 'Sleeping') {
        outcome = { ready: false, reason: 'Sleeping', message: 'spec.controlPlane.deployment.replicas is 0: the control plane sleeps' };
      } else if (version !== 'Ready') {
        await checkControlPlanePods(ctx);
        const ready = deployment.status?.readyReplicas ?? 0;
        throw new StepWait(version, `waiting for the control plane pods: ${ready}/${deployment.spec?.replicas ?? 0} ready`);
      } else {
        await reconcileTenantBootstrap(ctx, { caCertificate: credentials.ca.certificate, adminKubeconfigs: credentials.adminKubeconfigs }, endpoint);
        outcome = {
          ready: true,
          reason: 'Ready',
          message: `Kubernetes ${tcp.spec.kubernetes.version} serves at https://${status.controlPlaneEndpoint}`,
        };
      }
    } catch (error) {
      // Someone else wrote first (a user, the other replica on its way out): no verdict on the
      // tcp, just another pass on fresh state after the queue's backoff.
      if (isConflict(error)) throw error;
      if (error instanceof StepWait) outcome = { ready: false, reason: error.reason, message: error.message, wait: error };
      else if (error instanceof StepError) outcome = { ready: false, reason: error.reason, message: error.message, error };
      else {
        const wrapped = new StepError('ReconcileError', apiErrorMessage(error));
        outcome = { ready: false, reason: wrapped.reason, message: wrapped.message, error: wrapped };
      }
    }

    const succeeded = !outcome.error && !outcome.wait;
    if (succeeded) status.observedGeneration = tcp.metadata.generation ?? 0;
    if (outcome.error && status.kubernetesResources?.version?.status === undefined) setVersion(status, tcp, 'Provisioning');
    status.conditions = [
      ...((status.conditions ?? []) as Condition[]).filter((condition) => condition.type !== 'Ready'),
      readyCondition(
        status.conditions as Condition[] | undefined,
        {
          status: outcome.ready ? 'True' : 'False',
          reason: outcome.reason,
          message: outcome.message,
          ...(tcp.metadata.generation !== undefined ? { observedGeneration: tcp.metadata.generation } : {}),
        },
        kubeTime(new Date()),
      ),
    ] as TenantControlPlaneStatus['conditions'];

    await this.#writeStatus(tcp, status, logger);
    if (outcome.error) {
      this.#deps.events.record(tcp, 'Warning', outcome.error.reason, outcome.error.message);
      logger.warn({ reason: outcome.error.reason, err: outcome.error.message }, 'reconcile failed');
      throw outcome.error;
    }
    if (outcome.wait) {
      logger.info({ reason: outcome.wait.reason, message: outcome.wait.message }, 'waiting');
      return { requeueAfterMs: outcome.wait.requeueAfterMs };
    }
    return { requeueAfterMs: resyncDelay() };
  }

  async #requireDataStore(tcp: TenantControlPlane): Promise<DataStore> {
    const name = tcp.spec.dataStore || this.#deps.options.defaultDataStore;
    if (!name) {
      throw new StepError('DataStoreNotSet', 'spec.dataStore names no DataStore and the server has no --default-datastore');
    }
    const current = tcp.status?.storage?.dataStoreName;
    if (current && current !== name) {
      // Kamaji migrates the data with a Job; until that exists here, switching would start the
      // tenant empty on the new DataStore while its data stays behind.
      throw new StepError(
        'DataStoreMigrationNotSupported',
        `spec.dataStore changed from "${current}" to "${name}": moving a control plane's data to another DataStore is not supported; set it back to "${current}"`,
      );
    }
    const dataStore = this.#dataStore(name);
    if (!dataStore) throw new StepError('DataStoreNotFound', `DataStore "${name}" not found`);
    if (!dataStore.status?.ready) {
      const condition = (dataStore.status?.conditions as Condition[] | undefined)?.find((c) => c.status === 'False');
      throw new StepError(
        'DataStoreNotReady',
        `DataStore "${name}" is not ready${condition ? `: ${condition.reason}: ${condition.message}` : ''}`,
      );
    }
    return dataStore;
  }

  async #finalize(tcp: TenantControlPlane, logger: Logger): Promise<ReconcileResult> {
    if (!tcp.metadata.finalizers?.includes(TCP_FINALIZER)) return {};
    // Stop the control plane first: its kine or kube-apiserver should not watch its data vanish.
    await deleteObject(this.#deps.managementClient, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: tcp.metadata.name ?? '', namespace: tcp.metadata.namespace ?? '' },
    });
    const dataStore = this.#dataStore(tcp.status?.storage?.dataStoreName || tcp.spec.dataStore || this.#deps.options.defaultDataStore);
    try {
      await cleanupDatastore({ tcp, managementClient: this.#deps.managementClient, datastores: this.#deps.datastores, events: this.#deps.events }, dataStore);
    } catch (error) {
      const reason = error instanceof StepError ? error.reason : 'DataStoreCleanupFailed';
      const message = error instanceof StepError ? error.message : apiErrorMessage(error);
      this.#deps.events.record(tcp, 'Warning', reason, message);
      logger.warn({ reason, err: message }, 'deletion blocked');
      throw error;
    }
    await this.#setFinalizers(tcp, (tcp.metadata.finalizers ?? []).filter((finalizer) => finalizer !== TCP_FINALIZER));
    logger.info('datastore cleaned up; finalizer removed');
    return {};
  }

  async #setFinalizers(tcp: TenantControlPlane, finalizers: string[]): Promise<TenantControlPlane> {
    const { namespace, name, resourceVersion } = tcp.metadata;
    const patch = JSON.stringify({ metadata: { resourceVersion, finalizers } });
    const result = await this.#deps.tenantControlPlanes.patch(namespace, name ?? '', 'merge', patch, WRITE_OPTIONS);
    return result.object as unknown as TenantControlPlane;
  }

  async #writeStatus(tcp: TenantControlPlane, status: TenantControlPlaneStatus, logger: Logger): Promise<void> {
    if (checksum(status) === checksum(tcp.status ?? {})) return;
    const { namespace, name } = tcp.metadata;
    const updated: KubeObject = { ...(tcp as unknown as KubeObject), status: status as KubeObject['status'] };
    try {
      await this.#deps.tenantControlPlanes.update(namespace, name ?? '', updated, { ...WRITE_OPTIONS, target: 'status' });
    } catch (error) {
      if (error instanceof ApiError && error.code === 404) {
        logger.debug({ err: error.message }, 'tcp gone before its status was written');
        return;
      }
      // A 409: the cache lagged a write (ours or someone's). A change of status alone queues no
      // pass, so the queue's retry makes the next one, on the newer object.
      throw error;
    }
  }
}

function setVersion(status: TenantControlPlaneStatus, tcp: TenantControlPlane, version: VersionStatus): void {
  const installed = version === 'Ready' || version === 'Sleeping' ? tcp.spec.kubernetes.version : status.kubernetesResources?.version?.version;
  status.kubernetesResources = {
    ...status.kubernetesResources,
    version: { status: version, ...(installed ? { version: installed } : {}) },
  };
}
