// TenantControlPlane rules beyond the schema: Kamaji's validating webhook and its CRD's CEL rules.
import type { FieldError } from '../meta.ts';
import { isDNS1123Subdomain, isWildcardDNS1123Subdomain } from '../names.ts';
import { cidrContains, ipFamily, parseCidr, type Cidr } from '../network.ts';
import type { TenantControlPlane, TenantControlPlaneSpec } from './types.ts';
import { parseKubernetesVersion, supportedKubernetesMinors } from './version.ts';

const reservedPortNames = ['kube-apiserver', 'konnectivity-server'];

export function validateTenantControlPlaneCreate(tcp: TenantControlPlane): FieldError[] {
  const errors: FieldError[] = [];
  errors.push(...validateVersion(tcp.spec.kubernetes.version, undefined));
  errors.push(...validateSpec(tcp.spec));
  return errors;
}

export function validateTenantControlPlaneUpdate(tcp: TenantControlPlane, old: TenantControlPlane): FieldError[] {
  const errors: FieldError[] = [];
  const version = tcp.spec.kubernetes.version;
  // An unchanged version stays acceptable even if the supported range has moved since. A change is
  // judged from the installed version, so an upgrade that never finished can be taken back.
  if (version !== old.spec.kubernetes.version) {
    const installed = old.status?.kubernetesResources?.version?.version;
    errors.push(...validateVersion(version, installed || old.spec.kubernetes.version));
  }
  errors.push(...validateSpec(tcp.spec));
  errors.push(...validateTransitions(tcp.spec, old.spec));
  return errors;
}

/** `oldVersion`: the version running now (undefined on create). */
function validateVersion(version: string, oldVersion: string | undefined): FieldError[] {
  const field = 'spec.kubernetes.version';
  const parsed = parseKubernetesVersion(version);
  const { major, min, max } = supportedKubernetesMinors;
  const range = `v${major}.${min} to v${major}.${max}`;
  if (!parsed) return [{ type: 'FieldValueInvalid', field, value: version, detail: 'must be a version like v1.33.1 (vMAJOR.MINOR.PATCH)' }];
  if (parsed.major !== major || parsed.minor > max) {
    return [{ type: 'FieldValueInvalid', field, value: version, detail: `unsupported version: supported versions are ${range}` }];
  }
  const old = oldVersion === undefined ? undefined : parseKubernetesVersion(oldVersion);
  if (!old) {
    // Creating (or repairing an unparsable stored version): the whole supported range applies.
    return parsed.minor < min
      ? [{ type: 'FieldValueInvalid', field, value: version, detail: `unsupported version: supported versions are ${range}` }]
      : [];
  }
  // Like Kamaji, patch releases are not compared: only minor upgrades are checked.
  if (parsed.major < old.major || (parsed.major === old.major && parsed.minor < old.minor)) {
    return [{ type: 'FieldValueForbidden', field, value: version, detail: `unable to downgrade from ${oldVersion}` }];
  }
  if (parsed.major === old.major && parsed.minor > old.minor + 1) {
    return [{
      type: 'FieldValueForbidden',
      field,
      value: version,
      detail: `upgrading from ${oldVersion} may go up one minor version at a time (non-sequential upgrades are not supported)`,
    }];
  }
  return [];
}

function validateSpec(spec: TenantControlPlaneSpec): FieldError[] {
  return [...validateNetwork(spec), ...validateExposure(spec), ...validateKonnectivity(spec)];
}

function validateCidrList(values: readonly string[] | undefined, field: string, errors: FieldError[]): Cidr[] {
  const cidrs: Cidr[] = [];
  (values ?? []).forEach((value, i) => {
    const cidr = parseCidr(value);
    if (cidr) cidrs.push(cidr);
    else errors.push({ type: 'FieldValueInvalid', field: `${field}[${i}]`, value, detail: 'must be a valid CIDR (e.g. 10.96.0.0/16)' });
  });
  return cidrs;
}

function validateDualStack(cidrs: Cidr[], field: string, errors: FieldError[]): void {
  if (cidrs.length === 2 && cidrs[0]!.family === cidrs[1]!.family) {
    errors.push({ type: 'FieldValueInvalid', field, value: cidrs.map((c) => `${c.address}/${c.prefix}`), detail: 'two CIDRs must be one IPv4 and one IPv6 (dual-stack)' });
  }
}

function validateNetwork(spec: TenantControlPlaneSpec): FieldError[] {
  const errors: FieldError[] = [];
  const network = spec.networkProfile ?? {};
  const base = 'spec.networkProfile';
  for (const key of ['serviceCidr', 'podCidr'] as const) {
    const value = network[key];
    if (value && !parseCidr(value)) errors.push({ type: 'FieldValueInvalid', field: `${base}.${key}`, value, detail: 'must be a valid CIDR (e.g. 10.96.0.0/16)' });
  }
  const serviceCidrs = validateCidrList(network.serviceCidrs, `${base}.serviceCidrs`, errors);
  validateDualStack(serviceCidrs, `${base}.serviceCidrs`, errors);
  validateDualStack(validateCidrList(network.podCidrs, `${base}.podCidrs`, errors), `${base}.podCidrs`, errors);
  validateCidrList(network.loadBalancerSourceRanges, `${base}.loadBalancerSourceRanges`, errors);

  // serviceCidrs wins over the deprecated serviceCidr, as in Kamaji.
  const legacyServiceCidr = network.serviceCidr ? parseCidr(network.serviceCidr) : undefined;
  const effectiveServiceCidrs = network.serviceCidrs?.length ? serviceCidrs : legacyServiceCidr ? [legacyServiceCidr] : [];
  (network.dnsServiceIPs ?? []).forEach((ip, i) => {
    const field = `${base}.dnsServiceIPs[${i}]`;
    if (!ipFamily(ip)) errors.push({ type: 'FieldValueInvalid', field, value: ip, detail: 'must be a valid IP address' });
    else if (!effectiveServiceCidrs.some((cidr) => cidrContains(cidr, ip))) {
      errors.push({ type: 'FieldValueInvalid', field, value: ip, detail: 'must be inside one of the service CIDRs' });
    }
  });

  (network.certSANs ?? []).forEach((san, i) => {
    if (!ipFamily(san) && !isDNS1123Subdomain(san) && !isWildcardDNS1123Subdomain(san)) {
      errors.push({ type: 'FieldValueInvalid', field: `${base}.certSANs[${i}]`, value: san, detail: 'must be a valid IP address or DNS name (a leading *. wildcard is allowed)' });
    }
  });
  if (network.advertiseAddress !== undefined && !ipFamily(network.advertiseAddress)) {
    errors.push({ type: 'FieldValueInvalid', field: `${base}.advertiseAddress`, value: network.advertiseAddress, detail: 'must be a valid IP address' });
  }
  if (network.clusterDomain !== undefined && !network.clusterDomain.includes('.')) {
    errors.push({ type: 'FieldValueInvalid', field: `${base}.clusterDomain`, value: network.clusterDomain, detail: 'must contain at least one dot' });
  }
  return errors;
}

function validateExposure(spec: TenantControlPlaneSpec): FieldError[] {
  const errors: FieldError[] = [];
  const service = spec.controlPlane.service;
  const network = spec.networkProfile ?? {};
  if (service.serviceType !== 'LoadBalancer') {
    const loadBalancerOnly: [string, unknown][] = [
      ['spec.controlPlane.service.allocateLoadBalancerNodePorts', service.allocateLoadBalancerNodePorts],
      ['spec.networkProfile.loadBalancerSourceRanges', network.loadBalancerSourceRanges?.length ? network.loadBalancerSourceRanges : undefined],
      ['spec.networkProfile.loadBalancerClass', network.loadBalancerClass],
    ];
    for (const [field, value] of loadBalancerOnly) {
      if (value !== undefined) errors.push({ type: 'FieldValueForbidden', field, detail: 'may only be set when spec.controlPlane.service.serviceType is LoadBalancer' });
    }
  }
  errors.push(...validateServicePorts(spec));
  const ingress = spec.controlPlane.ingress;
  if (ingress && spec.controlPlane.gateway) {
    errors.push({ type: 'FieldValueForbidden', field: 'spec.controlPlane.gateway', detail: 'ingress and gateway are mutually exclusive: set only one of them' });
  }
  // Kamaji accepts an Ingress without a hostname and then fails to reconcile it; say so up front.
  if (ingress) {
    const field = 'spec.controlPlane.ingress.hostname';
    if (!ingress.hostname) errors.push({ type: 'FieldValueRequired', field, detail: 'the Ingress needs the host name tenants use to reach kube-apiserver' });
    else if (!isHostWithOptionalPort(ingress.hostname)) {
      errors.push({ type: 'FieldValueInvalid', field, value: ingress.hostname, detail: 'must be a DNS name, optionally followed by :port' });
    }
  }
  return errors;
}

function isHostWithOptionalPort(value: string): boolean {
  const match = /^([^:]+)(?::(\d{1,5}))?$/.exec(value);
  if (!match) return false;
  const port = match[2] === undefined ? 1 : Number(match[2]);
  return isDNS1123Subdomain(match[1]!) && port >= 1 && port <= 65535;
}

/**
 * kube-apiserver, konnectivity and the additional ports share one Service, which refuses two
 * ports with the same number and protocol: report the clash here rather than in a failing reconcile.
 */
function validateServicePorts(spec: TenantControlPlaneSpec): FieldError[] {
  const errors: FieldError[] = [];
  const taken = new Map<string, string>();
  const claim = (port: number, protocol: string, field: string) => {
    const key = `${port}/${protocol}`;
    const owner = taken.get(key);
    if (owner) errors.push({ type: 'FieldValueDuplicate', field, value: port, detail: `port ${key} is already used by ${owner}` });
    else taken.set(key, field);
  };
  // Both ports carry their schema defaults by now (6443, 8132).
  const apiServerPort = spec.networkProfile?.port;
  if (apiServerPort !== undefined) claim(apiServerPort, 'TCP', 'spec.networkProfile.port');
  const konnectivityPort = spec.addons?.konnectivity?.server?.port;
  if (konnectivityPort !== undefined) claim(konnectivityPort, 'TCP', 'spec.addons.konnectivity.server.port');
  (spec.controlPlane.service.additionalPorts ?? []).forEach((port, i) => {
    const base = `spec.controlPlane.service.additionalPorts[${i}]`;
    if (reservedPortNames.includes(port.name)) {
      errors.push({ type: 'FieldValueInvalid', field: `${base}.name`, value: port.name, detail: `must not be one of the ports Kamaji manages: ${reservedPortNames.join(', ')}` });
    }
    claim(port.port, port.protocol ?? 'TCP', `${base}.port`);
  });
  return errors;
}

function validateKonnectivity(spec: TenantControlPlaneSpec): FieldError[] {
  const agent = spec.addons?.konnectivity?.agent;
  if (!agent || agent.replicas === undefined) return [];
  const field = 'spec.addons.konnectivity.agent.replicas';
  if ((agent.mode ?? 'DaemonSet') === 'DaemonSet' && agent.replicas !== 0) {
    return [{ type: 'FieldValueForbidden', field, value: agent.replicas, detail: 'must be 0 or unset when mode is DaemonSet' }];
  }
  if (agent.mode === 'Deployment' && agent.replicas === 0) {
    return [{ type: 'FieldValueInvalid', field, value: agent.replicas, detail: 'must be greater than 0 (or unset) when mode is Deployment' }];
  }
  return [];
}

function validateTransitions(spec: TenantControlPlaneSpec, old: TenantControlPlaneSpec): FieldError[] {
  const errors: FieldError[] = [];
  for (const key of ['dataStore', 'dataStoreSchema', 'dataStoreUsername'] as const) {
    if (old[key] && !spec[key]) errors.push({ type: 'FieldValueRequired', field: `spec.${key}`, detail: 'may not be unset once set' });
  }
  // dataStore may change (that migrates the data); the names inside the DataStore may not.
  for (const key of ['dataStoreSchema', 'dataStoreUsername'] as const) {
    if (old[key] && spec[key] && spec[key] !== old[key]) errors.push({ type: 'FieldValueInvalid', field: `spec.${key}`, value: spec[key], detail: 'field is immutable' });
  }
  const network = spec.networkProfile ?? {};
  const oldNetwork = old.networkProfile ?? {};
  // Both carry the schema default by now, so a plain comparison suffices.
  if (network.clusterDomain !== oldNetwork.clusterDomain) {
    errors.push({ type: 'FieldValueInvalid', field: 'spec.networkProfile.clusterDomain', value: network.clusterDomain ?? null, detail: 'field is immutable' });
  }
  const field = 'spec.networkProfile.loadBalancerClass';
  if (oldNetwork.loadBalancerClass !== undefined && network.loadBalancerClass !== oldNetwork.loadBalancerClass) {
    errors.push({ type: 'FieldValueInvalid', field, value: network.loadBalancerClass ?? null, detail: 'field is immutable' });
  } else if (oldNetwork.loadBalancerClass === undefined && network.loadBalancerClass !== undefined && old.controlPlane.service.serviceType === 'LoadBalancer') {
    errors.push({ type: 'FieldValueForbidden', field, detail: 'may only be set when the Service becomes a LoadBalancer, not on an existing one' });
  }
  return errors;
}
