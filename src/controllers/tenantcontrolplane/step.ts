// What every step of a TenantControlPlane pass shares: the pass context, and the two ways a step
// stops a pass early — a failure a person must act on, or a wait for something that is on its way.
import type { Logger } from 'pino';
import type { DataStore, TenantControlPlane, TenantControlPlaneStatus } from '../../apis/index.ts';
import type { EventRecorder } from '../runtime/event-recorder.ts';
import type { KubeClient } from '../runtime/kube-client.ts';
import type { DataStoreTls, TenantDatastores } from './datastore-setup.ts';
import type { SecretCache } from './owned-secrets.ts';

export interface TenantControlPlaneOptions {
  /** kine image for SQL DataStores (Kamaji's --kine-image). */
  kineImage: string;
  imagePullPolicy?: string;
  /** For a tcp whose spec.dataStore is empty (created before the server had --default-datastore). */
  defaultDataStore?: string;
  /** Key of the admin kubeconfig Secret the controllers reach tenants with (default super-admin.svc). */
  tenantKubeconfigKey?: string;
}

export interface PassContext {
  tcp: TenantControlPlane;
  dataStore: DataStore;
  /** Built up by the steps; written once at the end of the pass. */
  status: TenantControlPlaneStatus;
  managementClient: KubeClient;
  /** The Secrets the controller's informer holds; read through readOwnedSecret. */
  secretCache: SecretCache;
  datastores: TenantDatastores;
  events: EventRecorder;
  logger: Logger;
  options: TenantControlPlaneOptions;
  /** Checksums of the Secrets and ConfigMaps the pods mount, by object name (pod annotations). */
  checksums: Record<string, string>;
  /** The DataStore's TLS material, once the datastore step resolved it. */
  dataStoreTls?: DataStoreTls;
}

/** A step failed for a reason a person can act on: Ready=False with this reason, an event, backoff. */
export class StepError extends Error {
  readonly reason: string;
  constructor(reason: string, message: string) {
    super(message);
    this.name = 'StepError';
    this.reason = reason;
  }
}

/** A step waits for something on its way (pods starting, a load balancer address): no backoff. */
export class StepWait extends Error {
  readonly reason: string;
  readonly requeueAfterMs: number;
  constructor(reason: string, message: string, requeueAfterMs = 10_000) {
    super(message);
    this.name = 'StepWait';
    this.reason = reason;
    this.requeueAfterMs = requeueAfterMs;
  }
}
