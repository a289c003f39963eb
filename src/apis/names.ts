// Kubernetes name formats (apimachinery's validation.IsDNS1035Label, IsDNS1123Subdomain).

const dns1035Label = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function isDNS1035Label(value: string): boolean {
  return value.length <= 63 && dns1035Label.test(value);
}

export function isDNS1123Subdomain(value: string): boolean {
  return value.length <= 253 && dns1123Subdomain.test(value);
}

/** `*.example.com`, as kubeadm accepts in certificate SANs. */
export function isWildcardDNS1123Subdomain(value: string): boolean {
  return value.startsWith('*.') && isDNS1123Subdomain(value.slice(2));
}
