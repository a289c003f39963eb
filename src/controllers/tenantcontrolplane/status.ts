// Step 6's pure parts: the version status (kamaji-features.md §1.5), the Ready condition, and the
// reasons a person can act on when the pods do not come up.
import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import type { TenantControlPlane } from '../../apis/index.ts';
import type { Condition } from '../../apis/meta.ts';

export type VersionStatus =
  | 'Unknown'
  | 'Provisioning'
  | 'CertificateAuthorityRotating'
  | 'Upgrading'
  | 'Migrating'
  | 'Ready'
  | 'NotReady'
  | 'Sleeping'
  | 'WriteLimited';

/**
 * Kamaji's order: replicas 0 → Sleeping; no ready pod → NotReady (Provisioning while nothing was
 * ever installed, which says more on a first start); a write block → WriteLimited; rollout done →
 * Ready; another version rolling out → Upgrading; nothing installed yet → Provisioning; else Unknown.
 */
export function versionStatus(tcp: TenantControlPlane, deployment: V1Deployment | undefined): VersionStatus {
  const installed = tcp.status?.kubernetesResources?.version?.version ?? '';
  const desired = tcp.spec.controlPlane.deployment?.replicas ?? 2;
  if (desired === 0) return 'Sleeping';
  const status = deployment?.status;
  if (!deployment || !status?.readyReplicas) return installed ? 'NotReady' : 'Provisioning';
  const permissions = tcp.spec.writePermissions;
  if (permissions?.blockCreation || permissions?.blockUpdate || permissions?.blockDeletion) return 'WriteLimited';
  if (rolloutComplete(deployment, desired)) return 'Ready';
  if (installed && installed !== tcp.spec.kubernetes.version) return 'Upgrading';
  if (!installed) return 'Provisioning';
  return 'Unknown';
}

export function rolloutComplete(deployment: V1Deployment, desired: number): boolean {
  const status = deployment.status ?? {};
  return (
    (status.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 0) &&
    (status.unavailableReplicas ?? 0) === 0 &&
    (status.updatedReplicas ?? 0) === desired &&
    (status.readyReplicas ?? 0) === desired &&
    (status.replicas ?? 0) === desired
  );
}

/** Waiting reasons of a container that will not start without someone changing something. */
const IMAGE_REASONS = new Set(['ImagePullBackOff', 'ErrImagePull', 'ErrImageNeverPull', 'InvalidImageName']);

export interface PodProblem {
  reason: string;
  message: string;
}

/** The first problem in the control plane pods that a person has to fix, if any. */
export function podProblem(pods: V1Pod[]): PodProblem | undefined {
  for (const pod of pods) {
    const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    for (const container of statuses) {
      const waiting = container.state?.waiting;
      if (!waiting?.reason) continue;
      if (IMAGE_REASONS.has(waiting.reason)) {
        return {
          reason: 'ImageNotFound',
          message: `container ${container.name} of pod ${pod.metadata?.name}: image "${container.image}" cannot be pulled (${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''})`,
        };
      }
      if (waiting.reason === 'CrashLoopBackOff' || waiting.reason === 'CreateContainerConfigError') {
        const terminated = container.lastState?.terminated;
        const detail = terminated?.message?.trim().split('\n').slice(-3).join(' ') || waiting.message || '';
        return {
          reason: waiting.reason === 'CrashLoopBackOff' ? 'ContainerCrashLooping' : 'ContainerConfigError',
          message: `container ${container.name} of pod ${pod.metadata?.name} ${
            waiting.reason === 'CrashLoopBackOff' ? `keeps failing (exit code ${terminated?.exitCode ?? '?'})` : 'cannot be created'
          }${detail ? `: ${detail}` : ''}`,
        };
      }
    }
    for (const condition of pod.status?.conditions ?? []) {
      if (condition.type === 'PodScheduled' && condition.status === 'False' && condition.reason === 'Unschedulable') {
        return { reason: 'Unschedulable', message: `pod ${pod.metadata?.name} cannot be scheduled: ${condition.message ?? ''}` };
      }
    }
  }
  return undefined;
}

/** The Ready condition, keeping lastTransitionTime while the status does not change. */
export function readyCondition(
  previous: Condition[] | undefined,
  next: { status: 'True' | 'False'; reason: string; message: string; observedGeneration?: number },
  now: string,
): Condition {
  const before = previous?.find((condition) => condition.type === 'Ready');
  return {
    type: 'Ready',
    status: next.status,
    reason: next.reason,
    message: next.message,
    ...(next.observedGeneration !== undefined ? { observedGeneration: next.observedGeneration } : {}),
    lastTransitionTime: before && before.status === next.status ? before.lastTransitionTime : now,
  };
}

/**
 * Spec fields Kamaji acts on that Kamaji-TS does not implement yet. Naming them in the Ready
 * condition beats accepting them silently (an unenforced write block, an unrouted Ingress).
 */
export function unsupportedFeatures(tcp: TenantControlPlane): string[] {
  const spec = tcp.spec;
  const permissions = spec.writePermissions;
  return [
    permissions?.blockCreation || permissions?.blockUpdate || permissions?.blockDeletion ? 'spec.writePermissions (not enforced)' : undefined,
    spec.dataStoreOverrides?.length ? 'spec.dataStoreOverrides' : undefined,
    spec.controlPlane.ingress ? 'spec.controlPlane.ingress' : undefined,
    spec.controlPlane.gateway ? 'spec.controlPlane.gateway' : undefined,
  ].filter((feature): feature is string => feature !== undefined);
}
