// The credential subresources of TenantControlPlane, wired into the registry by main.ts.
export {
  CLUSTER_ADMINS_GROUP,
  createKubeconfigSubresource,
  DEFAULT_KUBECONFIG_SECONDS,
  EXPIRATION_ANNOTATION,
  MIN_KUBECONFIG_SECONDS,
} from './kubeconfig.ts';
export {
  BOOTSTRAP_GROUP,
  bootstrapTokenSecret,
  createJoinSubresource,
  DEFAULT_JOIN_TTL_SECONDS,
  MAX_JOIN_TTL_SECONDS,
  MIN_JOIN_TTL_SECONDS,
  type JoinSubresourceDeps,
} from './join.ts';
export type { SubresourceDeps } from './ready-tenant-control-plane.ts';
