// Step 4: applies the egress selector ConfigMap (konnectivity) and the control plane Deployment,
// records the Deployment in status, and names what keeps its pods from starting.
import type { V1Deployment, V1Pod, V1PodList } from '@kubernetes/client-node';
import { applyObject, deleteObject, kubeTime, readObject, type ObjectRef } from '../runtime/kube-client.ts';
import { buildDeployment, usesKine } from './deployment.ts';
import type { DataStoreTls } from './datastore-setup.ts';
import { buildEgressSelectorConfigMap } from './konnectivity.ts';
import { LABEL_NAME, checksum, egressSelectorConfigMapName, secretName } from './names.ts';
import { podProblem } from './status.ts';
import { StepError, type PassContext } from './step.ts';

export async function reconcileDeployment(
  ctx: PassContext,
  advertiseAddress: string | undefined,
  dataStoreTls: DataStoreTls,
): Promise<V1Deployment> {
  const { tcp, managementClient } = ctx;
  const namespace = tcp.metadata.namespace ?? '';
  await reconcileKonnectivityObjects(ctx);

  const desired = buildDeployment(tcp, {
    driver: ctx.dataStore.spec.driver,
    dataStoreEndpoints: ctx.dataStore.spec.endpoints,
    dataStoreTls: {
      certificateAuthority: usesKine(ctx.dataStore.spec.driver) && Boolean(dataStoreTls.certificateAuthority),
      clientCertificate: usesKine(ctx.dataStore.spec.driver) && Boolean(dataStoreTls.clientCertificate && dataStoreTls.clientKey),
    },
    ...(advertiseAddress ? { advertiseAddress } : {}),
    checksums: ctx.checksums,
    kineImage: ctx.options.kineImage,
    ...(ctx.options.imagePullPolicy ? { imagePullPolicy: ctx.options.imagePullPolicy } : {}),
  });
  const previous = await readObject<V1Deployment>(managementClient, desired as ObjectRef);
  const { object: deployment } = await applyObject(managementClient, desired, previous);
  const rolled = previous && previous.metadata?.generation !== deployment.metadata?.generation;
  if (!previous) ctx.events.record(tcp, 'Normal', 'DeploymentCreated', `Deployment ${deployment.metadata?.name} created`);
  else if (rolled) ctx.events.record(tcp, 'Normal', 'DeploymentUpdated', `Deployment ${deployment.metadata?.name} updated (generation ${deployment.metadata?.generation})`);

  const status = deployment.status ?? {};
  const before = ctx.status.kubernetesResources?.deployment;
  ctx.status.kubernetesResources = {
    ...ctx.status.kubernetesResources,
    deployment: {
      name: deployment.metadata?.name ?? '',
      namespace,
      selector: `${LABEL_NAME}=${tcp.metadata.name}`,
      ...numbers({
        replicas: status.replicas,
        readyReplicas: status.readyReplicas,
        availableReplicas: status.availableReplicas,
        updatedReplicas: status.updatedReplicas,
        unavailableReplicas: status.unavailableReplicas,
        observedGeneration: status.observedGeneration,
        collisionCount: status.collisionCount,
      }),
      ...(status.conditions?.length
        ? {
            conditions: status.conditions.map((condition) => ({
              type: condition.type,
              status: condition.status,
              ...(condition.reason ? { reason: condition.reason } : {}),
              ...(condition.message ? { message: condition.message } : {}),
              ...(condition.lastTransitionTime ? { lastTransitionTime: kubeTime(new Date(condition.lastTransitionTime)) } : {}),
              ...(condition.lastUpdateTime ? { lastUpdateTime: kubeTime(new Date(condition.lastUpdateTime)) } : {}),
            })),
          }
        : {}),
      ...lastUpdate(!previous || rolled ? kubeTime(new Date()) : before?.lastUpdate),
    },
  };

  return deployment;
}

/** Fails with a reason a person can act on when the pods cannot start (bad image, crash loop, unschedulable). */
export async function checkControlPlanePods(ctx: PassContext): Promise<void> {
  const { tcp } = ctx;
  const pods = (await ctx.managementClient.list(
    'v1',
    'Pod',
    tcp.metadata.namespace ?? '',
    undefined,
    undefined,
    undefined,
    undefined,
    `${LABEL_NAME}=${tcp.metadata.name}`,
  )) as V1PodList;
  const problem = podProblem(pods.items as V1Pod[]);
  if (problem) throw new StepError(problem.reason, problem.message);
}

/** The egress selector ConfigMap while konnectivity is on; its objects go away when it is turned off. */
async function reconcileKonnectivityObjects(ctx: PassContext): Promise<void> {
  const { tcp, managementClient } = ctx;
  const namespace = tcp.metadata.namespace ?? '';
  if (tcp.spec.addons?.konnectivity) {
    const configMap = buildEgressSelectorConfigMap(tcp);
    await applyObject(managementClient, configMap);
    const sum = checksum(configMap.data);
    ctx.checksums[configMap.metadata?.name ?? ''] = sum;
    const konnectivity = ctx.status.addons?.konnectivity;
    ctx.status.addons = {
      ...ctx.status.addons,
      konnectivity: { ...konnectivity, enabled: true, configMap: { name: configMap.metadata?.name ?? '', checksum: sum } },
    };
    return;
  }
  if (!ctx.status.addons?.konnectivity?.enabled) return;
  const ref = (kind: string, name: string): ObjectRef => ({ apiVersion: 'v1', kind, metadata: { name, namespace } });
  await deleteObject(managementClient, ref('ConfigMap', egressSelectorConfigMapName(tcp)));
  await deleteObject(managementClient, ref('Secret', secretName(tcp, 'konnectivity')));
  await deleteObject(managementClient, ref('Secret', secretName(tcp, 'konnectivityKubeconfig')));
  ctx.status.addons = { ...ctx.status.addons, konnectivity: { enabled: false } };
  ctx.events.record(tcp, 'Normal', 'KonnectivityDisabled', 'konnectivity turned off: its ConfigMap and Secrets were removed');
}

function numbers(values: Record<string, number | undefined>): Record<string, number> {
  return Object.fromEntries(Object.entries(values).filter((entry): entry is [string, number] => entry[1] !== undefined));
}

function lastUpdate(value: string | undefined): { lastUpdate?: string } {
  return value ? { lastUpdate: value } : {};
}
