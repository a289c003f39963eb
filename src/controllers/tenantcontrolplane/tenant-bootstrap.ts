// Step 5: once the tenant kube-apiserver answers, applies what `kubeadm join` needs in the tenant
// (kubeadm.ts). Runs again only when those objects change (their checksum is in
// status.kubeadmPhase.bootstrapToken).
import { KubeConfig } from '@kubernetes/client-node';
import type { TenantControlPlane } from '../../apis/index.ts';
import { apiErrorMessage, apiStatusCode, applyObject, kubeTime, makeKubeClient, type KubeClient } from '../runtime/kube-client.ts';
import { connectionString } from './datastore-setup.ts';
import { usesKine } from './deployment.ts';
import { KubeletConfigurationPatchError, tenantBootstrapObjects } from './kubeadm.ts';
import { tenantServerUrl } from './kubeconfigs.ts';
import { checksum } from './names.ts';
import type { Endpoint } from './service.ts';
import { StepError, StepWait, type PassContext } from './step.ts';

/** The admin Secret key the controllers use to reach the tenant: through its Service, in-cluster. */
export const TENANT_KUBECONFIG_KEY = 'super-admin.svc';
/** Kamaji's annotation choosing another key, e.g. `super-admin.conf` to go through the endpoint. */
export const ANNOTATION_KUBECONFIG_SECRET_KEY = 'kamaji.clastix.io/kubeconfig-secret-key';

export function tenantKubeconfigKey(tcp: TenantControlPlane, fallback = TENANT_KUBECONFIG_KEY): string {
  return tcp.metadata.annotations?.[ANNOTATION_KUBECONFIG_SECRET_KEY] || fallback;
}

export function tenantClientFrom(kubeconfigYaml: string): KubeClient {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(kubeconfigYaml);
  return makeKubeClient(kubeConfig);
}

export async function reconcileTenantBootstrap(
  ctx: PassContext,
  credentials: { caCertificate: string; adminKubeconfigs: Record<string, string> },
  endpoint: Endpoint,
): Promise<void> {
  const { tcp } = ctx;
  let objects;
  try {
    objects = tenantBootstrapObjects(tcp, {
      server: tenantServerUrl(tcp, endpoint),
      caCertificate: credentials.caCertificate,
      endpoint,
      etcdEndpoints: usesKine(ctx.dataStore.spec.driver) ? ['127.0.0.1:2379'] : connectionString(ctx.dataStore).split(','),
    });
  } catch (error) {
    if (error instanceof KubeletConfigurationPatchError) throw new StepError('InvalidKubeletConfigurationPatch', error.message);
    throw error;
  }
  const sum = checksum(objects);
  if (ctx.status.kubeadmPhase?.bootstrapToken?.checksum === sum) return;

  const key = tenantKubeconfigKey(tcp, ctx.options.tenantKubeconfigKey);
  const kubeconfig = credentials.adminKubeconfigs[key];
  if (!kubeconfig) {
    throw new StepError('InvalidKubeconfigSecretKey', `Secret ${tcp.metadata.name}-admin-kubeconfig has no key "${key}" (annotation ${ANNOTATION_KUBECONFIG_SECRET_KEY})`);
  }
  const tenantClient = tenantClientFrom(kubeconfig);
  for (const object of objects) {
    try {
      await applyObject(tenantClient, object);
    } catch (error) {
      const code = apiStatusCode(error);
      if (code === undefined || code >= 500) {
        throw new StepWait('WaitingForTenantAPI', `the tenant kube-apiserver does not answer yet: ${apiErrorMessage(error)}`, 5_000);
      }
      throw new StepError(
        'TenantBootstrapFailed',
        `cannot apply ${object.kind} ${object.metadata?.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata?.name} in the tenant: ${apiErrorMessage(error)}`,
      );
    }
  }
  const now = kubeTime(new Date());
  ctx.status.kubeadmPhase = { bootstrapToken: { checksum: sum, lastUpdate: now } };
  ctx.status.addons = {
    ...ctx.status.addons,
    coreDNS: { enabled: Boolean(tcp.spec.addons?.coreDNS), lastUpdate: now },
    kubeProxy: { enabled: Boolean(tcp.spec.addons?.kubeProxy), lastUpdate: now },
  };
  ctx.events.record(tcp, 'Normal', 'TenantBootstrapped', 'cluster-info, kubeadm-config, kubelet-config, the node bootstrap RBAC and the addons applied in the tenant');
}
