// TenantControlPlane defaulting and the rules of Kamaji's webhooks and CEL validations.
import { describe, expect, test } from 'vitest';
import {
  apiVersion,
  dataStoreIdentifierFor,
  supportedKubernetesMinors,
  tenantControlPlaneDeclaration as declaration,
  type TenantControlPlane,
  type TenantControlPlaneSpec,
  validateAgainstSchema,
} from '../../../src/apis/index.ts';
import { WriteStrategy } from '../../../src/registry/strategy.ts';
import { admitCreate, admitUpdate, summary } from './admission.ts';
import { checkName } from '../../../src/apis/names.ts';

const uid = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

function tcp(spec: Partial<TenantControlPlaneSpec> = {}, name = 'tenant-a'): TenantControlPlane {
  return {
    apiVersion,
    kind: 'TenantControlPlane',
    metadata: { name, namespace: 'tenants', uid },
    spec: {
      controlPlane: { service: { serviceType: 'ClusterIP' } },
      kubernetes: { version: 'v1.33.1', kubelet: {} },
      ...spec,
    },
  };
}

/** A stored object: admitted on create, as the registry would have kept it. */
function stored(spec: Partial<TenantControlPlaneSpec> = {}): TenantControlPlane {
  const { object, errors } = admitCreate(declaration, tcp(spec), { defaultDataStore: 'default' });
  expect(errors).toEqual([]);
  return object;
}

function withSpec(old: TenantControlPlane, change: (spec: TenantControlPlaneSpec) => void): TenantControlPlane {
  const next = structuredClone(old);
  change(next.spec);
  return next;
}

const createErrors = (object: TenantControlPlane) => summary(admitCreate(declaration, object).errors);

describe('declaration', () => {
  test('names, scope, subresources and printer columns', () => {
    expect(declaration).toMatchObject({
      group: 'tenancy.kamaji.io',
      version: 'v1alpha1',
      kind: 'TenantControlPlane',
      listKind: 'TenantControlPlaneList',
      plural: 'tenantcontrolplanes',
      singular: 'tenantcontrolplane',
      shortNames: ['tcp'],
      categories: ['kamaji'],
      scope: 'Namespaced',
      statusSubresource: true,
    });
    expect(declaration.customSubresources.map(({ name, kind, verbs }) => ({ name, kind, verbs }))).toEqual([
      { name: 'kubeconfig', kind: 'TenantControlPlaneKubeconfig', verbs: ['get'] },
      { name: 'join', kind: 'TenantControlPlaneJoin', verbs: ['create', 'get'] },
    ]);
    expect(declaration.printerColumns.map((c) => [c.name.toUpperCase(), c.jsonPath, c.type])).toEqual([
      ['VERSION', '.spec.kubernetes.version', 'string'],
      ['INSTALLED VERSION', '.status.kubernetesResources.version.version', 'string'],
      ['STATUS', '.status.kubernetesResources.version.status', 'string'],
      ['CONTROL-PLANE ENDPOINT', '.status.controlPlaneEndpoint', 'string'],
      ['KUBECONFIG', '.status.kubeconfig.admin.secretName', 'string'],
      ['DATASTORE', '.status.storage.dataStoreName', 'string'],
      ['AGE', '.metadata.creationTimestamp', 'date'],
    ]);
  });

  test('conditions are a list map keyed by type', () => {
    const conditions = declaration.schema.properties!['status']!.properties!['conditions']!;
    expect(conditions['x-kubernetes-list-type']).toBe('map');
    expect(conditions['x-kubernetes-list-map-keys']).toEqual(['type']);
  });
});

describe('defaulting on create', () => {
  test('Kamaji webhook defaults: dataStore, schema, user, replicas, CIDRs, DNS IPs, konnectivity', () => {
    const { object } = admitCreate(declaration, tcp({ addons: { konnectivity: {} } }), { defaultDataStore: 'default' });
    const spec = object.spec;
    expect(spec.dataStore).toBe('default');
    expect(spec.dataStoreSchema).toBe('tcp_0a1b2c3d4e5f4a6b8c7d9e0f1a2b');
    expect(spec.dataStoreUsername).toBe(spec.dataStoreSchema);
    expect(spec.controlPlane.deployment?.replicas).toBe(2);
    expect(spec.controlPlane.deployment?.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '100%', maxUnavailable: 0 } });
    expect(spec.networkProfile).toMatchObject({
      port: 6443,
      clusterDomain: 'cluster.local',
      serviceCidrs: ['10.96.0.0/16'],
      podCidrs: ['10.244.0.0/16'],
      dnsServiceIPs: ['10.96.0.10'],
    });
    expect(spec.addons?.konnectivity?.server).toEqual({ image: 'registry.k8s.io/kas-network-proxy/proxy-server', port: 8132 });
    expect(spec.addons?.konnectivity?.agent?.mode).toBe('DaemonSet');
    expect(spec.kubernetes.kubelet.preferredAddressTypes).toEqual(['InternalIP', 'ExternalIP', 'Hostname']);
  });

  test('set values win over defaults', () => {
    const { object } = admitCreate(
      declaration,
      tcp({ dataStore: 'mine', dataStoreSchema: 'my_schema', networkProfile: { serviceCidrs: ['10.0.0.0/24'], dnsServiceIPs: ['10.0.0.53'] } }),
      { defaultDataStore: 'default' },
    );
    expect(object.spec.dataStore).toBe('mine');
    expect(object.spec.dataStoreSchema).toBe('my_schema');
    expect(object.spec.networkProfile?.dnsServiceIPs).toEqual(['10.0.0.53']);
  });

  test('dual-stack DNS IPs: IPv4 network + 10, IPv6 network + 0x10', () => {
    const { object } = admitCreate(declaration, tcp({ networkProfile: { serviceCidrs: ['fd00:10:96::/112', '10.100.0.0/16'] } }));
    expect(object.spec.networkProfile?.dnsServiceIPs).toEqual(['fd00:10:96::10', '10.100.0.10']);
  });

  test('without a default DataStore, dataStore stays empty', () => {
    expect(admitCreate(declaration, tcp()).object.spec.dataStore).toBeUndefined();
  });

  test('the datastore identifier is a valid unquoted SQL identifier within MySQL and PostgreSQL limits', () => {
    for (const id of ['9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a', crypto.randomUUID(), 'ABCDEF01-2345-4678-9abc-def012345678']) {
      const identifier = dataStoreIdentifierFor(id);
      expect(identifier).toMatch(/^[a-z_][a-z0-9_]*$/);
      expect(identifier.length).toBeLessThanOrEqual(32);
    }
    expect(dataStoreIdentifierFor('9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a')).toBe('tcp_9f8e7d6c5b4a439281706f5e4d3c');
  });
});

describe('validation on create', () => {
  test('a minimal tenant is valid', () => {
    expect(createErrors(tcp())).toEqual([]);
  });

  test('name must be a DNS-1035 label (it names the Service): the registry checks the declared format', () => {
    expect(declaration.nameFormat).toBe('dns1035-label');
    expect(checkName('1tenant', declaration.nameFormat)).not.toEqual([]);
    expect(checkName('tenant.a', declaration.nameFormat)).not.toEqual([]);
    expect(checkName('a'.repeat(64), declaration.nameFormat)).not.toEqual([]);
    expect(checkName('tenant-a', declaration.nameFormat)).toEqual([]);
  });

  test('version must be vMAJOR.MINOR.PATCH within the supported range', () => {
    const withVersion = (version: string) => tcp({ kubernetes: { version, kubelet: {} } });
    const { min, max } = supportedKubernetesMinors;
    expect(createErrors(withVersion(`v1.${min}.0`))).toEqual([]);
    expect(createErrors(withVersion(`v1.${max}.9`))).toEqual([]);
    for (const bad of ['1.33.1', 'v1.33', 'v1.33.1-rc.0', `v1.${max + 1}.0`, `v1.${min - 1}.5`, 'v2.0.0']) {
      expect(createErrors(withVersion(bad)), bad).toEqual(['spec.kubernetes.version: FieldValueInvalid']);
    }
    const [error] = admitCreate(declaration, withVersion(`v1.${max + 1}.0`)).errors;
    expect(error!.detail).toBe(`unsupported version: supported versions are v1.${min} to v1.${max}`);
  });

  test('service and pod CIDRs must be CIDRs, at most two, of different families', () => {
    expect(createErrors(tcp({ networkProfile: { serviceCidrs: ['10.96.0.0/33'], podCidrs: ['banana'] } }))).toEqual([
      'spec.networkProfile.serviceCidrs[0]: FieldValueInvalid',
      'spec.networkProfile.podCidrs[0]: FieldValueInvalid',
    ]);
    expect(createErrors(tcp({ networkProfile: { serviceCidrs: ['10.96.0.0/16', '10.97.0.0/16'] } }))).toEqual(['spec.networkProfile.serviceCidrs: FieldValueInvalid']);
    expect(createErrors(tcp({ networkProfile: { podCidrs: ['10.1.0.0/16', 'fd00::/64', '10.2.0.0/16'] } }))).toEqual(['spec.networkProfile.podCidrs: FieldValueTooMany']);
    expect(createErrors(tcp({ networkProfile: { serviceCidr: '10.96.0.0' } }))).toEqual([
      'spec.networkProfile.serviceCidr: FieldValueInvalid',
      'spec.networkProfile.serviceCidrs[0]: FieldValueInvalid',
    ]);
  });

  test('dnsServiceIPs must be IPs inside a service CIDR, at most 8', () => {
    expect(createErrors(tcp({ networkProfile: { dnsServiceIPs: ['10.97.0.10', 'not-an-ip'] } }))).toEqual([
      'spec.networkProfile.dnsServiceIPs[0]: FieldValueInvalid',
      'spec.networkProfile.dnsServiceIPs[1]: FieldValueInvalid',
    ]);
    const nine = Array.from({ length: 9 }, (_, i) => `10.96.0.${i + 1}`);
    expect(createErrors(tcp({ networkProfile: { dnsServiceIPs: nine } }))).toEqual(['spec.networkProfile.dnsServiceIPs: FieldValueTooMany']);
    expect(createErrors(tcp({ networkProfile: { serviceCidrs: ['10.96.0.0/16', 'fd00::/108'], dnsServiceIPs: ['fd00::a'] } }))).toEqual([]);
  });

  test('certSANs must be IPs or DNS names (wildcards allowed); advertiseAddress must be an IP', () => {
    expect(createErrors(tcp({ networkProfile: { certSANs: ['api.example.com', '*.example.com', '10.0.0.1', '::1'] } }))).toEqual([]);
    expect(createErrors(tcp({ networkProfile: { certSANs: ['Bad_Name', 'a..b'], advertiseAddress: 'api.example.com' } }))).toEqual([
      'spec.networkProfile.certSANs[0]: FieldValueInvalid',
      'spec.networkProfile.certSANs[1]: FieldValueInvalid',
      'spec.networkProfile.advertiseAddress: FieldValueInvalid',
    ]);
  });

  test('clusterDomain must contain a dot', () => {
    expect(createErrors(tcp({ networkProfile: { clusterDomain: 'local' } }))).toEqual(['spec.networkProfile.clusterDomain: FieldValueInvalid']);
  });

  test('LoadBalancer-only fields are forbidden for other service types', () => {
    const spec: Partial<TenantControlPlaneSpec> = {
      controlPlane: { service: { serviceType: 'NodePort', allocateLoadBalancerNodePorts: false } },
      networkProfile: { loadBalancerSourceRanges: ['10.0.0.0/8'], loadBalancerClass: 'metallb' },
    };
    const errors = admitCreate(declaration, tcp(spec)).errors;
    expect(summary(errors)).toEqual([
      'spec.controlPlane.service.allocateLoadBalancerNodePorts: FieldValueForbidden',
      'spec.networkProfile.loadBalancerSourceRanges: FieldValueForbidden',
      'spec.networkProfile.loadBalancerClass: FieldValueForbidden',
    ]);
    expect(errors[0]!.detail).toContain('LoadBalancer');
    const asLoadBalancer = structuredClone(spec);
    asLoadBalancer.controlPlane!.service.serviceType = 'LoadBalancer';
    expect(createErrors(tcp(asLoadBalancer))).toEqual([]);
  });

  test('loadBalancerSourceRanges must be CIDRs', () => {
    const spec: Partial<TenantControlPlaneSpec> = {
      controlPlane: { service: { serviceType: 'LoadBalancer' } },
      networkProfile: { loadBalancerSourceRanges: ['10.0.0.0/8', '10.0.0.1'] },
    };
    expect(createErrors(tcp(spec))).toEqual(['spec.networkProfile.loadBalancerSourceRanges[1]: FieldValueInvalid']);
  });

  test('ingress and gateway are mutually exclusive', () => {
    const spec: Partial<TenantControlPlaneSpec> = {
      controlPlane: { service: { serviceType: 'ClusterIP' }, ingress: { hostname: 'a.example.com' }, gateway: { hostname: 'a.example.com', parentRefs: [{ name: 'gw' }] } },
    };
    expect(createErrors(tcp(spec))).toEqual(['spec.controlPlane.gateway: FieldValueForbidden']);
  });

  test('konnectivity agent replicas must match the mode', () => {
    const agent = (mode: 'DaemonSet' | 'Deployment', replicas?: number) =>
      tcp({ addons: { konnectivity: { agent: { mode, ...(replicas === undefined ? {} : { replicas }) } } } });
    expect(createErrors(agent('DaemonSet'))).toEqual([]);
    expect(createErrors(agent('DaemonSet', 0))).toEqual([]);
    expect(createErrors(agent('DaemonSet', 2))).toEqual(['spec.addons.konnectivity.agent.replicas: FieldValueForbidden']);
    expect(createErrors(agent('Deployment'))).toEqual([]);
    expect(createErrors(agent('Deployment', 3))).toEqual([]);
    expect(createErrors(agent('Deployment', 0))).toEqual(['spec.addons.konnectivity.agent.replicas: FieldValueInvalid']);
  });

  test('additional ports may not reuse the names Kamaji manages', () => {
    const spec: Partial<TenantControlPlaneSpec> = {
      controlPlane: { service: { serviceType: 'ClusterIP', additionalPorts: [{ name: 'konnectivity-server', port: 8132 }] } },
    };
    expect(createErrors(tcp(spec))).toEqual(['spec.controlPlane.service.additionalPorts[0].name: FieldValueInvalid']);
  });

  test('a write that leaves out the create-time identity and network defaults keeps them (server-side apply drops unowned fields)', () => {
    const old = stored({ networkProfile: { serviceCidrs: ['10.96.0.0/16'] } });
    const reapplied = withSpec(old, (spec) => {
      delete spec.dataStore;
      delete spec.dataStoreSchema;
      delete spec.dataStoreUsername;
      delete spec.networkProfile!.dnsServiceIPs;
    });
    expect(admitUpdate(declaration, reapplied, old)).toEqual([]);
    declaration.defaultOnUpdate(reapplied, old);
    expect(reapplied.spec).toMatchObject({
      dataStore: 'default',
      dataStoreSchema: old.spec.dataStoreSchema,
      dataStoreUsername: old.spec.dataStoreUsername,
      networkProfile: { dnsServiceIPs: ['10.96.0.10'] },
    });
  });

  test('keeping create-time values never adds a key the stored object does not have', () => {
    const { object: old } = admitCreate(declaration, tcp(), {});
    expect('dataStore' in old.spec).toBe(false);
    const next = structuredClone(old);
    declaration.defaultOnUpdate(next, old);
    expect('dataStore' in next.spec).toBe(false);
  });

  test('kind rules wait for a schema-valid object instead of failing on wrong types', () => {
    const broken = { ...tcp(), spec: { controlPlane: {}, kubernetes: { version: 7 }, networkProfile: 'x' } } as unknown as TenantControlPlane;
    const strategy = new WriteStrategy(declaration, { defaultDataStore: 'd' });
    const created = structuredClone(broken);
    expect(() => strategy.prepareForCreate(created, new Date())).not.toThrow();
    expect(summary(strategy.validateCreate(created))).toEqual(summary(validateAgainstSchema(declaration.schema, { ...broken, metadata: undefined })));
    const updated = strategy.prepareForUpdate(structuredClone(broken), stored(), 'main');
    expect(summary(strategy.validateUpdate(updated, stored()))).toEqual(summary(validateAgainstSchema(declaration.schema, { ...broken, metadata: undefined })));
    expect(summary(admitCreate(declaration, broken).errors)).toEqual([
      'spec.controlPlane.service: FieldValueRequired',
      'spec.kubernetes.kubelet: FieldValueRequired',
      'spec.kubernetes.version: FieldValueTypeInvalid',
      'spec.networkProfile: FieldValueTypeInvalid',
    ]);
  });

  test('Service ports may not clash: kube-apiserver, konnectivity and additional ports', () => {
    const spec = (additionalPorts: { name: string; port: number; protocol?: 'TCP' | 'UDP' }[], konnectivityPort = 8132): Partial<TenantControlPlaneSpec> => ({
      controlPlane: { service: { serviceType: 'ClusterIP', additionalPorts } },
      addons: { konnectivity: { server: { port: konnectivityPort } } },
    });
    expect(createErrors(tcp(spec([{ name: 'metrics', port: 9090 }, { name: 'dns', port: 6443, protocol: 'UDP' }])))).toEqual([]);
    const errors = admitCreate(declaration, tcp(spec([{ name: 'a', port: 6443 }, { name: 'b', port: 9090 }, { name: 'c', port: 9090 }], 6443))).errors;
    expect(summary(errors)).toEqual([
      'spec.addons.konnectivity.server.port: FieldValueDuplicate',
      'spec.controlPlane.service.additionalPorts[0].port: FieldValueDuplicate',
      'spec.controlPlane.service.additionalPorts[2].port: FieldValueDuplicate',
    ]);
    expect(errors[0]!.detail).toBe('port 6443/TCP is already used by spec.networkProfile.port');
  });

  test('an Ingress needs a hostname, optionally with a port', () => {
    const ingress = (hostname?: string) =>
      tcp({ controlPlane: { service: { serviceType: 'ClusterIP' }, ingress: hostname === undefined ? {} : { hostname } } });
    expect(createErrors(ingress('api.tenant.example.com'))).toEqual([]);
    expect(createErrors(ingress('api.tenant.example.com:443'))).toEqual([]);
    expect(createErrors(ingress())).toEqual(['spec.controlPlane.ingress.hostname: FieldValueRequired']);
    expect(createErrors(ingress('https://api.example.com'))).toEqual(['spec.controlPlane.ingress.hostname: FieldValueInvalid']);
  });

  test('schema rules: enums, required fields, identifiers', () => {
    const errors = admitCreate(
      declaration,
      tcp({
        controlPlane: { service: { serviceType: 'ExternalName' as 'ClusterIP' } },
        kubernetes: { version: 'v1.33.0', kubelet: { cgroupfs: 'none' as 'systemd' }, admissionControllers: ['NotAPlugin' as 'Priority'] },
        dataStoreSchema: 'has-dash',
        dataStoreUsername: 'u'.repeat(33),
      }),
    ).errors;
    expect(summary(errors)).toEqual([
      'spec.controlPlane.service.serviceType: FieldValueNotSupported',
      'spec.kubernetes.kubelet.cgroupfs: FieldValueNotSupported',
      'spec.kubernetes.admissionControllers[0]: FieldValueNotSupported',
      'spec.dataStoreSchema: FieldValueInvalid',
      'spec.dataStoreUsername: FieldValueTooLong',
    ]);
    expect(errors[0]!.supportedValues).toEqual(['ClusterIP', 'NodePort', 'LoadBalancer']);
    const missing = { ...tcp(), spec: { controlPlane: {}, kubernetes: { version: 'v1.33.0' } } };
    expect(summary(admitCreate(declaration, missing).errors)).toContain('spec.controlPlane.service: FieldValueRequired');
    expect(summary(admitCreate(declaration, missing).errors)).toContain('spec.kubernetes.kubelet: FieldValueRequired');
  });
});

describe('validation on update', () => {
  const updateErrors = (next: TenantControlPlane, old: TenantControlPlane) => summary(admitUpdate(declaration, next, old));

  test('an unchanged object is valid', () => {
    const old = stored();
    expect(updateErrors(old, old)).toEqual([]);
  });

  test('version: one minor up is allowed, patch changes are allowed either way', () => {
    const old = stored({ kubernetes: { version: 'v1.32.4', kubelet: {} } });
    expect(updateErrors(withSpec(old, (s) => (s.kubernetes.version = 'v1.33.0')), old)).toEqual([]);
    expect(updateErrors(withSpec(old, (s) => (s.kubernetes.version = 'v1.32.9')), old)).toEqual([]);
    expect(updateErrors(withSpec(old, (s) => (s.kubernetes.version = 'v1.32.1')), old)).toEqual([]);
  });

  test('version: no downgrade, no skipped minor, nothing above the supported maximum', () => {
    const old = stored({ kubernetes: { version: 'v1.31.2', kubelet: {} } });
    const errors = admitUpdate(declaration, withSpec(old, (s) => (s.kubernetes.version = 'v1.30.9')), old);
    expect(summary(errors)).toEqual(['spec.kubernetes.version: FieldValueForbidden']);
    expect(errors[0]!.detail).toBe('unable to downgrade from v1.31.2');
    expect(updateErrors(withSpec(old, (s) => (s.kubernetes.version = 'v1.33.0')), old)).toEqual(['spec.kubernetes.version: FieldValueForbidden']);
    const latest = stored({ kubernetes: { version: `v1.${supportedKubernetesMinors.max}.0`, kubelet: {} } });
    expect(updateErrors(withSpec(latest, (s) => (s.kubernetes.version = `v1.${supportedKubernetesMinors.max + 1}.0`)), latest)).toEqual([
      'spec.kubernetes.version: FieldValueInvalid',
    ]);
  });

  test('version: an upgrade that has not finished can be taken back to the installed version', () => {
    const running = stored({ kubernetes: { version: 'v1.32.4', kubelet: {} } });
    running.status = { kubernetesResources: { version: { version: 'v1.32.4', status: 'Ready' } } };
    const upgrading = withSpec(running, (s) => (s.kubernetes.version = 'v1.33.0'));
    expect(updateErrors(withSpec(upgrading, (s) => (s.kubernetes.version = 'v1.32.4')), upgrading)).toEqual([]);
    // Still judged from the installed v1.32: going below it is a downgrade.
    expect(updateErrors(withSpec(upgrading, (s) => (s.kubernetes.version = 'v1.31.0')), upgrading)).toEqual(['spec.kubernetes.version: FieldValueForbidden']);
  });

  test('version: an unchanged version is not re-checked against the supported range', () => {
    const old = stored();
    old.spec.kubernetes.version = 'v1.29.0';
    expect(updateErrors(withSpec(old, (s) => (s.controlPlane.deployment!.replicas = 3)), old)).toEqual([]);
  });

  test('dataStoreSchema, dataStoreUsername and clusterDomain are immutable', () => {
    const old = stored();
    const errors = admitUpdate(
      declaration,
      withSpec(old, (s) => {
        s.dataStoreSchema = 'other';
        s.dataStoreUsername = 'other';
        s.networkProfile!.clusterDomain = 'other.local';
      }),
      old,
    );
    expect(summary(errors)).toEqual([
      'spec.dataStoreSchema: FieldValueInvalid',
      'spec.dataStoreUsername: FieldValueInvalid',
      'spec.networkProfile.clusterDomain: FieldValueInvalid',
    ]);
    expect(errors.every((e) => e.detail === 'field is immutable')).toBe(true);
  });

  test('dataStore, dataStoreSchema and dataStoreUsername cannot be unset (omitting them keeps them); dataStore may change', () => {
    const old = stored();
    const unset = withSpec(old, (s) => {
      delete s.dataStore;
      delete s.dataStoreSchema;
      delete s.dataStoreUsername;
    });
    expect(summary(declaration.validateUpdate(unset, old))).toEqual([
      'spec.dataStore: FieldValueRequired',
      'spec.dataStoreSchema: FieldValueRequired',
      'spec.dataStoreUsername: FieldValueRequired',
    ]);
    expect(updateErrors(unset, old)).toEqual([]);
    expect(updateErrors(withSpec(old, (s) => (s.dataStore = 'another')), old)).toEqual([]);
  });

  test('loadBalancerClass is immutable and cannot be added to an existing LoadBalancer', () => {
    const lb = stored({ controlPlane: { service: { serviceType: 'LoadBalancer' } }, networkProfile: { loadBalancerClass: 'metallb' } });
    expect(updateErrors(withSpec(lb, (s) => (s.networkProfile!.loadBalancerClass = 'other')), lb)).toEqual(['spec.networkProfile.loadBalancerClass: FieldValueInvalid']);
    expect(updateErrors(withSpec(lb, (s) => delete s.networkProfile!.loadBalancerClass), lb)).toEqual(['spec.networkProfile.loadBalancerClass: FieldValueInvalid']);
    const lbWithout = stored({ controlPlane: { service: { serviceType: 'LoadBalancer' } } });
    expect(updateErrors(withSpec(lbWithout, (s) => (s.networkProfile!.loadBalancerClass = 'metallb')), lbWithout)).toEqual([
      'spec.networkProfile.loadBalancerClass: FieldValueForbidden',
    ]);
    const clusterIP = stored();
    const becomesLB = withSpec(clusterIP, (s) => {
      s.controlPlane.service.serviceType = 'LoadBalancer';
      s.networkProfile!.loadBalancerClass = 'metallb';
    });
    expect(updateErrors(becomesLB, clusterIP)).toEqual([]);
  });

  test('a stored object the schema no longer accepts: the new object still gets the create rules', () => {
    const old = stored();
    const legacy = withSpec(old, (s) => (s.dataStoreSchema = 'legacy-with-dash'));
    expect(updateErrors(withSpec(old, (s) => (s.networkProfile!.clusterDomain = 'nodot')), legacy)).toEqual([
      'spec.networkProfile.clusterDomain: FieldValueInvalid',
    ]);
  });

  test('create-time rules also hold on update', () => {
    const old = stored();
    expect(updateErrors(withSpec(old, (s) => (s.networkProfile!.dnsServiceIPs = ['192.168.0.10'])), old)).toEqual([
      'spec.networkProfile.dnsServiceIPs[0]: FieldValueInvalid',
    ]);
  });
});
