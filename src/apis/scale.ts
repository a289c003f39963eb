// autoscaling/v1 Scale: what a kind's `scale` subresource reads and writes (kubectl scale, the
// HorizontalPodAutoscaler). Kubernetes' own type, so clients decode it as they decode any Scale.
import type { KubeObject } from './meta.ts';

export const scaleGroupVersionKind = { group: 'autoscaling', version: 'v1', kind: 'Scale' } as const;
export const scaleApiVersion = `${scaleGroupVersionKind.group}/${scaleGroupVersionKind.version}`;

export interface Scale extends KubeObject {
  apiVersion: typeof scaleApiVersion;
  kind: 'Scale';
  spec: { replicas?: number };
  status: { replicas: number; selector?: string };
}
