// How kube-openapi names definitions and operations, so ours read like any CRD's.
import type { ResourceDeclaration } from '../declaration.ts';

/** `tenancy.kamaji.io`, `v1alpha1`, `DataStore` → `io.kamaji.tenancy.v1alpha1.DataStore`. */
export function definitionName(group: string, version: string, kind: string): string {
  return [...group.split('.').reverse(), version, kind].join('.');
}

/** `tenancy.kamaji.io`/`v1alpha1` → `TenancyKamajiIoV1alpha1`, the infix of every operation id. */
function groupVersionInfix(group: string, version: string): string {
  const capitalize = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);
  return [...group.split('.'), version].map(capitalize).join('');
}

/** `tenancyKamajiIo_v1alpha1`, the tag of every operation of the group-version. */
export function operationTag(group: string, version: string): string {
  const camel = group
    .split('.')
    .map((word, i) => (i === 0 ? word : word.charAt(0).toUpperCase() + word.slice(1)))
    .join('');
  return `${camel}_${version}`;
}

/**
 * e.g. `listTenancyKamajiIoV1alpha1NamespacedTenantControlPlane`,
 * `deleteTenancyKamajiIoV1alpha1CollectionNamespacedTenantControlPlane`,
 * `readTenancyKamajiIoV1alpha1NamespacedTenantControlPlaneStatus`.
 */
export function operationId(
  declaration: ResourceDeclaration,
  verb: 'list' | 'read' | 'create' | 'replace' | 'patch' | 'delete' | 'deletecollection',
  options: { subresource?: string; allNamespaces?: boolean } = {},
): string {
  const infix = groupVersionInfix(declaration.group, declaration.version);
  const scope = declaration.scope === 'Namespaced' && !options.allNamespaces ? 'Namespaced' : '';
  const sub = options.subresource ? options.subresource.charAt(0).toUpperCase() + options.subresource.slice(1) : '';
  const suffix = options.allNamespaces ? 'ForAllNamespaces' : '';
  const [prefix, collection] = verb === 'deletecollection' ? ['delete', 'Collection'] : [verb, ''];
  return `${prefix}${infix}${collection}${scope}${declaration.kind}${sub}${suffix}`;
}
