// The Lease leader election runs on, in the management cluster.
import type { KubernetesObject } from '@kubernetes/client-node';
import { apiStatusCode, readObject, type KubeClient } from './kube-client.ts';
import { microTime, type LeaseClient, type LeaseRecord } from './leader-election.ts';

type LeaseObject = KubernetesObject & {
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string | Date;
    renewTime?: string | Date;
    leaseTransitions?: number;
  };
};

export function managementLeaseClient(managementClient: KubeClient, namespace: string, name: string): LeaseClient {
  const ref = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace } };
  const conflictToFalse = async (write: () => Promise<unknown>): Promise<boolean> => {
    try {
      await write();
      return true;
    } catch (error) {
      const code = apiStatusCode(error);
      if (code === 409 || code === 404) return false;
      throw error;
    }
  };
  return {
    async get() {
      const lease = await readObject<LeaseObject>(managementClient, ref);
      if (!lease) return undefined;
      const spec = lease.spec ?? {};
      const record: LeaseRecord = {
        holderIdentity: spec.holderIdentity ?? '',
        leaseDurationSeconds: spec.leaseDurationSeconds ?? 0,
        leaseTransitions: spec.leaseTransitions ?? 0,
        ...(spec.acquireTime ? { acquireTime: timeText(spec.acquireTime) } : {}),
        ...(spec.renewTime ? { renewTime: timeText(spec.renewTime) } : {}),
      };
      return { record, resourceVersion: lease.metadata?.resourceVersion ?? '' };
    },
    create: (record) => conflictToFalse(() => managementClient.create({ ...ref, spec: record } as LeaseObject)),
    update: (record, resourceVersion) =>
      conflictToFalse(() =>
        managementClient.replace({ ...ref, metadata: { ...ref.metadata, resourceVersion }, spec: record } as LeaseObject),
      ),
  };
}

// client-node hands back MicroTime either as the string it received or as a Date.
function timeText(value: string | Date): string {
  return value instanceof Date ? microTime(value) : value;
}
