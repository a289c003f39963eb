// Field paths spelled as kube-apiserver prints them for custom resources:
// `spec.networkProfile.serviceCidrs[0]`, and map entries dotted like properties
// (`spec.nodeSelector.disktype`), as its schema validator and pruning report them.

export function fieldPath(parent: string, key: string): string {
  return parent ? `${parent}.${key}` : key;
}

export function indexPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}

export function keyPath(parent: string, key: string): string {
  return fieldPath(parent, key);
}
