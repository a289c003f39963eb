// Field paths spelled as Kubernetes prints them: `spec.networkProfile.serviceCidrs[0]`,
// map entries as `spec.nodeSelector[disktype]`.

export function fieldPath(parent: string, key: string): string {
  return parent ? `${parent}.${key}` : key;
}

export function indexPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}

export function keyPath(parent: string, key: string): string {
  return `${parent}[${key}]`;
}
