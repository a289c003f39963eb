// Writes core/v1 Events in the management cluster against our objects, so `kubectl describe tcp`
// and `kubectl get events` show what the controllers did. Repeats of the same event (same object,
// type, reason, message) bump the count of the existing Event instead of creating a new one, as
// client-go's recorder aggregates them.
import { randomBytes } from 'node:crypto';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { ObjectMeta } from '../../apis/meta.ts';
import { apiErrorMessage, kubeTime, type KubeClient } from './kube-client.ts';

export type EventType = 'Normal' | 'Warning';

export interface EventTarget {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
}

export interface EventRecorder {
  record(target: EventTarget, type: EventType, reason: string, message: string): void;
}

const COMPONENT = 'kamaji-ts';
/** Events that repeat within this window are aggregated. */
const AGGREGATION_WINDOW_MS = 10 * 60_000;
const MAX_MESSAGE_LENGTH = 1024;

type Seen = { name: string; namespace: string; count: number; firstTimestamp: string; lastSeen: number };

export class ManagementEventRecorder implements EventRecorder {
  readonly #managementClient: KubeClient;
  readonly #instance: string;
  readonly #logger: Logger;
  readonly #seen = new Map<string, Seen>();

  constructor(managementClient: KubeClient, instance: string, logger: Logger) {
    this.#managementClient = managementClient;
    this.#instance = instance;
    this.#logger = logger;
  }

  /** Fire and forget: an event that cannot be written is logged, never fails a reconcile. */
  record(target: EventTarget, type: EventType, reason: string, message: string): void {
    void this.#write(target, type, reason, message.slice(0, MAX_MESSAGE_LENGTH)).catch((error: unknown) =>
      this.#logger.warn(
        { namespace: target.metadata.namespace, name: target.metadata.name, reason, err: apiErrorMessage(error) },
        'cannot write event',
      ),
    );
  }

  async #write(target: EventTarget, type: EventType, reason: string, message: string): Promise<void> {
    const namespace = target.metadata.namespace ?? 'default';
    const key = [target.metadata.uid, type, reason, message].join('\u0000');
    const now = new Date();
    this.#forgetOld(now.getTime());
    const seen = this.#seen.get(key);
    if (seen) {
      seen.count += 1;
      seen.lastSeen = now.getTime();
      await this.#managementClient.patch(
        {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name: seen.name, namespace: seen.namespace },
          count: seen.count,
          lastTimestamp: kubeTime(now),
        } as KubernetesObject,
        undefined,
        undefined,
        undefined,
        undefined,
        'application/merge-patch+json',
      );
      return;
    }
    const name = `${target.metadata.name}.${randomBytes(8).toString('hex')}`;
    const timestamp = kubeTime(now);
    this.#seen.set(key, { name, namespace, count: 1, firstTimestamp: timestamp, lastSeen: now.getTime() });
    await this.#managementClient.create({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: {
        apiVersion: target.apiVersion,
        kind: target.kind,
        name: target.metadata.name,
        namespace: target.metadata.namespace,
        uid: target.metadata.uid,
        resourceVersion: target.metadata.resourceVersion,
      },
      type,
      reason,
      message,
      count: 1,
      firstTimestamp: timestamp,
      lastTimestamp: timestamp,
      source: { component: COMPONENT },
      reportingComponent: COMPONENT,
      reportingInstance: this.#instance,
    } as KubernetesObject);
  }

  #forgetOld(now: number): void {
    for (const [key, seen] of this.#seen) if (now - seen.lastSeen > AGGREGATION_WINDOW_MS) this.#seen.delete(key);
  }
}
