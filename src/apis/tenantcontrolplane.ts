// The TenantControlPlane kind, declared once. Everything else derives from this object.
import type { ResourceDeclaration } from './declaration.ts';
import { group, version } from './group.ts';
import { defaultTenantControlPlane, defaultTenantControlPlaneOnUpdate } from './tenantcontrolplane/defaults.ts';
import { tenantControlPlaneSchema } from './tenantcontrolplane/schema.ts';
import type { TenantControlPlane } from './tenantcontrolplane/types.ts';
import { validateTenantControlPlaneCreate, validateTenantControlPlaneUpdate } from './tenantcontrolplane/validation.ts';

export type { TenantControlPlane, TenantControlPlaneSpec, TenantControlPlaneStatus } from './tenantcontrolplane/types.ts';

export const tenantControlPlaneDeclaration: ResourceDeclaration<TenantControlPlane> = {
  group,
  version,
  kind: 'TenantControlPlane',
  listKind: 'TenantControlPlaneList',
  plural: 'tenantcontrolplanes',
  singular: 'tenantcontrolplane',
  shortNames: ['tcp'],
  categories: ['kamaji'],
  scope: 'Namespaced',
  // The name becomes the Service's (and DNS records'), so it must be a DNS-1035 label, as Kamaji checks.
  nameFormat: 'dns1035-label',
  description: tenantControlPlaneSchema.description,
  schema: tenantControlPlaneSchema,
  printerColumns: [
    { name: 'Version', type: 'string', description: 'Kubernetes version', priority: 0, jsonPath: '.spec.kubernetes.version' },
    { name: 'Installed Version', type: 'string', description: 'The actual installed Kubernetes version from status', priority: 0, jsonPath: '.status.kubernetesResources.version.version' },
    { name: 'Status', type: 'string', description: 'Status', priority: 0, jsonPath: '.status.kubernetesResources.version.status' },
    { name: 'Control-Plane endpoint', type: 'string', description: 'Tenant Control Plane Endpoint (API server)', priority: 0, jsonPath: '.status.controlPlaneEndpoint' },
    { name: 'Kubeconfig', type: 'string', description: 'Secret which contains admin kubeconfig', priority: 0, jsonPath: '.status.kubeconfig.admin.secretName' },
    { name: 'Datastore', type: 'string', description: 'DataStore actually used', priority: 0, jsonPath: '.status.storage.dataStoreName' },
    { name: 'Age', type: 'date', description: 'Age', priority: 0, jsonPath: '.metadata.creationTimestamp' },
  ],
  statusSubresource: true,
  scaleSubresource: {
    specReplicasPath: '.spec.controlPlane.deployment.replicas',
    statusReplicasPath: '.status.kubernetesResources.deployment.replicas',
    labelSelectorPath: '.status.kubernetesResources.deployment.selector',
  },
  customSubresources: [
    { name: 'kubeconfig', kind: 'TenantControlPlaneKubeconfig', verbs: ['get'], description: 'The admin kubeconfig of the tenant cluster.' },
    { name: 'join', kind: 'TenantControlPlaneJoin', verbs: ['create', 'get'], description: 'Creates a bootstrap token and returns what a worker needs to join the tenant cluster.' },
  ],
  defaultOnCreate: defaultTenantControlPlane,
  defaultOnUpdate: defaultTenantControlPlaneOnUpdate,
  validateCreate: validateTenantControlPlaneCreate,
  validateUpdate: validateTenantControlPlaneUpdate,
};
