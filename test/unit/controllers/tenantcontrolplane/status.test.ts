import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import { describe, expect, test } from 'vitest';
import { podProblem, readyCondition, unsupportedFeatures, versionStatus } from '../../../../src/controllers/tenantcontrolplane/status.ts';
import { tenantControlPlane } from './fixtures.ts';

const deployment = (status: NonNullable<V1Deployment['status']>, generation = 2): V1Deployment => ({ metadata: { generation }, status });
const rolledOut = deployment({ observedGeneration: 2, replicas: 1, readyReplicas: 1, updatedReplicas: 1, availableReplicas: 1 });

describe('versionStatus', () => {
  test('Kamaji order', () => {
    const tcp = tenantControlPlane();
    expect(versionStatus(tenantControlPlane({ controlPlane: { deployment: { replicas: 0 }, service: { serviceType: 'ClusterIP' } } }), rolledOut)).toBe('Sleeping');
    expect(versionStatus(tcp, undefined)).toBe('Provisioning');
    expect(versionStatus(tcp, deployment({ replicas: 1, readyReplicas: 0 }))).toBe('Provisioning');
    expect(versionStatus(tcp, rolledOut)).toBe('Ready');
    const installed = tenantControlPlane();
    installed.status = { kubernetesResources: { version: { version: 'v1.33.13', status: 'Ready' } } };
    expect(versionStatus(installed, deployment({ replicas: 1, readyReplicas: 0 }))).toBe('NotReady');
    const limited = tenantControlPlane({ writePermissions: { blockCreation: true } });
    expect(versionStatus(limited, rolledOut)).toBe('WriteLimited');
  });

  test('a rollout of another version is Upgrading; an unobserved generation is not Ready', () => {
    const tcp = tenantControlPlane();
    tcp.status = { kubernetesResources: { version: { version: 'v1.32.5', status: 'Ready' } } };
    const rolling = deployment({ observedGeneration: 2, replicas: 2, readyReplicas: 1, updatedReplicas: 1, unavailableReplicas: 1 });
    expect(versionStatus(tcp, rolling)).toBe('Upgrading');
    const fresh = tenantControlPlane();
    expect(versionStatus(fresh, deployment({ observedGeneration: 1, replicas: 1, readyReplicas: 1, updatedReplicas: 1 }))).toBe('Provisioning');
  });
});

describe('podProblem', () => {
  const pod = (containerStatuses: NonNullable<V1Pod['status']>['containerStatuses'], conditions?: NonNullable<V1Pod['status']>['conditions']): V1Pod => ({
    metadata: { name: 'tenant-a-6d9f-abcde' },
    status: { containerStatuses, ...(conditions ? { conditions } : {}) },
  });

  test('an image that cannot be pulled is ImageNotFound, naming the image', () => {
    const problem = podProblem([
      pod([
        { name: 'kube-apiserver', image: 'registry.k8s.io/kube-apiserver:v1.33.99', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ErrImageNeverPull', message: 'Container image is not present with pull policy of Never' } } },
      ]),
    ]);
    expect(problem?.reason).toBe('ImageNotFound');
    expect(problem?.message).toContain('"registry.k8s.io/kube-apiserver:v1.33.99"');
    expect(problem?.message).toContain('ErrImageNeverPull');
  });

  test('a crash loop names the container and the end of its last message', () => {
    const problem = podProblem([
      pod([
        {
          name: 'kine',
          image: 'kine',
          imageID: '',
          ready: false,
          restartCount: 4,
          state: { waiting: { reason: 'CrashLoopBackOff' } },
          lastState: { terminated: { exitCode: 1, message: 'line1\npassword authentication failed for user "tcp_x"' } },
        },
      ]),
    ]);
    expect(problem).toEqual({
      reason: 'ContainerCrashLooping',
      message: 'container kine of pod tenant-a-6d9f-abcde keeps failing (exit code 1): line1 password authentication failed for user "tcp_x"',
    });
  });

  test('an unschedulable pod says why; starting pods are no problem', () => {
    expect(podProblem([pod([], [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available' }])])?.reason).toBe('Unschedulable');
    expect(podProblem([pod([{ name: 'kube-apiserver', image: 'x', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }])])).toBeUndefined();
  });
});

describe('readyCondition', () => {
  test('keeps lastTransitionTime while the status stays, moves it when the status flips', () => {
    const first = readyCondition(undefined, { status: 'False', reason: 'Provisioning', message: 'waiting' }, 't1');
    expect(first).toEqual({ type: 'Ready', status: 'False', reason: 'Provisioning', message: 'waiting', lastTransitionTime: 't1' });
    const same = readyCondition([first], { status: 'False', reason: 'ImageNotFound', message: 'x', observedGeneration: 3 }, 't2');
    expect(same.lastTransitionTime).toBe('t1');
    expect(same.observedGeneration).toBe(3);
    expect(readyCondition([same], { status: 'True', reason: 'Ready', message: 'ok' }, 't3').lastTransitionTime).toBe('t3');
  });
});

describe('unsupportedFeatures', () => {
  test('names the Kamaji fields not implemented, nothing for a plain spec', () => {
    expect(unsupportedFeatures(tenantControlPlane())).toEqual([]);
    const tcp = tenantControlPlane({
      writePermissions: { blockUpdate: true },
      dataStoreOverrides: [{ resource: '/events', dataStore: 'events' }],
      controlPlane: { service: { serviceType: 'ClusterIP' }, ingress: { hostname: 'api.example' } },
    });
    expect(unsupportedFeatures(tcp)).toEqual(['spec.writePermissions (not enforced)', 'spec.dataStoreOverrides', 'spec.controlPlane.ingress']);
  });
});
