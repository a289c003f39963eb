import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { createCertificateAuthority } from '../../../../src/pki/index.ts';
import {
  KubeletConfigurationPatchError,
  clusterInfoKubeconfig,
  kubeadmApiVersion,
  kubeletConfiguration,
  tenantBootstrapObjects,
} from '../../../../src/controllers/tenantcontrolplane/kubeadm.ts';
import { tenantControlPlane } from './fixtures.ts';

const ca = await createCertificateAuthority({ commonName: 'kubernetes' });
const inputs = {
  server: 'https://10.96.3.4:6443',
  caCertificate: ca.certificate,
  endpoint: { host: '10.96.3.4', port: 6443 },
  etcdEndpoints: ['127.0.0.1:2379'],
};

describe('tenant bootstrap objects', () => {
  test('cluster-info in kubeadm format: one nameless cluster with server and CA, nothing else', () => {
    const config = parse(clusterInfoKubeconfig(inputs.server, ca.certificate));
    expect(config).toEqual({
      apiVersion: 'v1',
      clusters: [{ cluster: { 'certificate-authority-data': Buffer.from(ca.certificate).toString('base64'), server: inputs.server }, name: '' }],
      contexts: null,
      'current-context': '',
      kind: 'Config',
      preferences: {},
      users: null,
    });
  });

  test('what kubeadm join needs: the ConfigMaps and the bootstrap, CSR approval and admin RBAC', () => {
    const objects = tenantBootstrapObjects(tenantControlPlane(), inputs);
    expect(objects.map((o) => `${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name}`)).toEqual([
      'ConfigMap kube-public/cluster-info',
      'Role kube-public/kubeadm:bootstrap-signer-clusterinfo',
      'RoleBinding kube-public/kubeadm:bootstrap-signer-clusterinfo',
      'ConfigMap kube-system/kubeadm-config',
      'Role kube-system/kubeadm:nodes-kubeadm-config',
      'RoleBinding kube-system/kubeadm:nodes-kubeadm-config',
      'ConfigMap kube-system/kubelet-config',
      'Role kube-system/kubeadm:kubelet-config',
      'RoleBinding kube-system/kubeadm:kubelet-config',
      'ClusterRole kubeadm:get-nodes',
      'ClusterRoleBinding kubeadm:get-nodes',
      'ClusterRoleBinding kubeadm:kubelet-bootstrap',
      'ClusterRoleBinding kubeadm:node-autoapprove-bootstrap',
      'ClusterRoleBinding kubeadm:node-autoapprove-certificate-rotation',
      'ClusterRoleBinding kubeadm:cluster-admins',
    ]);
    const binding = (name: string) => objects.find((o) => o.kind === 'ClusterRoleBinding' && o.metadata?.name === name) as unknown as {
      roleRef: { name: string };
      subjects: { kind: string; name: string }[];
    };
    expect(binding('kubeadm:node-autoapprove-bootstrap')).toMatchObject({
      roleRef: { name: 'system:certificates.k8s.io:certificatesigningrequests:nodeclient' },
      subjects: [{ kind: 'Group', name: 'system:bootstrappers:kubeadm:default-node-token' }],
    });
    expect(binding('kubeadm:node-autoapprove-certificate-rotation')).toMatchObject({
      roleRef: { name: 'system:certificates.k8s.io:certificatesigningrequests:selfnodeclient' },
      subjects: [{ kind: 'Group', name: 'system:nodes' }],
    });
    expect(binding('kubeadm:cluster-admins')).toMatchObject({ roleRef: { name: 'cluster-admin' }, subjects: [{ kind: 'Group', name: 'kubeadm:cluster-admins' }] });
    const anonymous = objects.find((o) => o.kind === 'RoleBinding' && o.metadata?.namespace === 'kube-public') as unknown as { subjects: { name: string }[] };
    expect(anonymous.subjects).toEqual([{ kind: 'User', name: 'system:anonymous', apiGroup: 'rbac.authorization.k8s.io' }]);
  });

  test('kubeadm-config holds a ClusterConfiguration for the tenant', () => {
    const objects = tenantBootstrapObjects(tenantControlPlane(), inputs);
    const kubeadmConfig = objects.find((o) => o.metadata?.name === 'kubeadm-config') as unknown as { data: { ClusterConfiguration: string } };
    expect(parse(kubeadmConfig.data.ClusterConfiguration)).toMatchObject({
      apiVersion: 'kubeadm.k8s.io/v1beta4',
      kind: 'ClusterConfiguration',
      kubernetesVersion: 'v1.33.13',
      clusterName: 'tenant-a',
      controlPlaneEndpoint: '10.96.3.4:6443',
      networking: { dnsDomain: 'cluster.local', podSubnet: '10.244.0.0/16', serviceSubnet: '10.96.0.0/16' },
      etcd: { external: { endpoints: ['127.0.0.1:2379'] } },
    });
    expect(kubeadmApiVersion('v1.30.4')).toBe('kubeadm.k8s.io/v1beta3');
  });
});

describe('kubeletConfiguration', () => {
  test('cluster DNS and domain from the network profile, kubeadm defaults', () => {
    const config = kubeletConfiguration(tenantControlPlane({ networkProfile: { clusterDomain: 'tenant.local', serviceCidrs: ['10.100.0.0/16'] } }));
    expect(config).toMatchObject({
      kind: 'KubeletConfiguration',
      clusterDNS: ['10.100.0.10'],
      clusterDomain: 'tenant.local',
      cgroupDriver: 'systemd',
      rotateCertificates: true,
      staticPodPath: '/etc/kubernetes/manifests',
      authentication: { x509: { clientCAFile: '/etc/kubernetes/pki/ca.crt' } },
    });
  });

  test('the JSON patches apply in order', () => {
    const tcp = tenantControlPlane({
      kubernetes: {
        version: 'v1.33.13',
        kubelet: {
          cgroupfs: 'cgroupfs',
          configurationJSONPatches: [
            { op: 'replace', path: '/cgroupDriver', value: 'systemd' },
            { op: 'add', path: '/maxPods', value: 50 },
            { op: 'remove', path: '/staticPodPath' },
          ],
        },
      },
    });
    const config = kubeletConfiguration(tcp);
    expect(config.cgroupDriver).toBe('systemd');
    expect(config.maxPods).toBe(50);
    expect(config).not.toHaveProperty('staticPodPath');
  });

  test('a patch that cannot apply names its index and path', () => {
    const tcp = tenantControlPlane({
      kubernetes: { version: 'v1.33.13', kubelet: { configurationJSONPatches: [{ op: 'add', path: '/maxPods', value: 1 }, { op: 'replace', path: '/nope/deeper', value: 1 }] } },
    });
    expect(() => kubeletConfiguration(tcp)).toThrow(KubeletConfigurationPatchError);
    expect(() => kubeletConfiguration(tcp)).toThrow(/configurationJSONPatches\[1\]: replace \/nope\/deeper/);
  });
});

describe('konnectivity agents', () => {
  test('none without the addon', () => {
    expect(tenantBootstrapObjects(tenantControlPlane(), inputs).some((o) => o.metadata?.name === 'konnectivity-agent')).toBe(false);
  });

  test('a DaemonSet dialing the server at the endpoint with a projected token for the server audience', () => {
    const tcp = tenantControlPlane({ addons: { konnectivity: { agent: { extraArgs: ['-v=2', '--proxy-server-port=1'] } } } });
    const objects = tenantBootstrapObjects(tcp, inputs);
    const agent = objects.find((o) => o.kind === 'DaemonSet') as unknown as {
      metadata: { namespace: string };
      spec: { template: { spec: { serviceAccountName: string; tolerations: unknown[]; containers: { image: string; args: string[] }[]; volumes: { projected: { sources: { serviceAccountToken: { audience: string } }[] } }[] } } };
    };
    expect(agent.metadata.namespace).toBe('kube-system');
    const pod = agent.spec.template.spec;
    expect(pod.serviceAccountName).toBe('konnectivity-agent');
    expect(pod.tolerations).toEqual([{ key: 'CriticalAddonsOnly', operator: 'Exists' }]);
    expect(pod.containers[0]?.image).toBe('registry.k8s.io/kas-network-proxy/proxy-agent:v0.33.0');
    expect(pod.containers[0]?.args).toContain('--proxy-server-host=10.96.3.4');
    expect(pod.containers[0]?.args).toContain('--proxy-server-port=8132');
    expect(pod.containers[0]?.args).not.toContain('--proxy-server-port=1');
    expect(pod.containers[0]?.args.at(-1)).toBe('-v=2');
    expect(pod.volumes[0]?.projected.sources[0]?.serviceAccountToken.audience).toBe('system:konnectivity-server');
    const binding = objects.find((o) => o.metadata?.name === 'system:konnectivity-server') as unknown as { roleRef: { name: string }; subjects: { name: string }[] };
    expect(binding.roleRef.name).toBe('system:auth-delegator');
    expect(binding.subjects[0]?.name).toBe('system:konnectivity-server');
    expect(objects.some((o) => o.kind === 'ServiceAccount' && o.metadata?.name === 'konnectivity-agent')).toBe(true);
  });

  test('Deployment mode with replicas', () => {
    const tcp = tenantControlPlane({ addons: { konnectivity: { agent: { mode: 'Deployment', replicas: 2 } } } });
    const agent = tenantBootstrapObjects(tcp, inputs).find((o) => o.metadata?.name === 'konnectivity-agent' && o.kind !== 'ServiceAccount') as unknown as {
      kind: string;
      spec: { replicas: number };
    };
    expect(agent.kind).toBe('Deployment');
    expect(agent.spec.replicas).toBe(2);
  });
});

describe('CoreDNS and kube-proxy addons', () => {
  test('CoreDNS: kube-dns on the first DNS Service IP, the Corefile for the cluster domain, kubeadm image per minor', () => {
    const tcp = tenantControlPlane({ addons: { coreDNS: {} }, networkProfile: { clusterDomain: 'tenant.local', serviceCidrs: ['10.100.0.0/16'] } });
    const objects = tenantBootstrapObjects(tcp, inputs);
    const service = objects.find((o) => o.kind === 'Service' && o.metadata?.name === 'kube-dns') as unknown as { spec: { clusterIP: string } };
    expect(service.spec.clusterIP).toBe('10.100.0.10');
    const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata?.name === 'coredns') as unknown as { data: { Corefile: string } };
    expect(config.data.Corefile).toContain('kubernetes tenant.local in-addr.arpa ip6.arpa');
    const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata?.name === 'coredns') as unknown as {
      spec: { template: { spec: { containers: { image: string }[] } } };
    };
    expect(deployment.spec.template.spec.containers[0]?.image).toBe('registry.k8s.io/coredns/coredns:v1.12.0');
    const custom = tenantControlPlane({ addons: { coreDNS: { imageRepository: 'mirror.example/coredns', imageTag: 'v1.15.0' } } });
    const customDeployment = tenantBootstrapObjects(custom, inputs).find((o) => o.kind === 'Deployment' && o.metadata?.name === 'coredns') as unknown as {
      spec: { template: { spec: { containers: { image: string }[] } } };
    };
    expect(customDeployment.spec.template.spec.containers[0]?.image).toBe('mirror.example/coredns/coredns:v1.15.0');
  });

  test('kube-proxy: DaemonSet at the tenant version, kubeconfig pointing at the endpoint, cluster CIDR', () => {
    const objects = tenantBootstrapObjects(tenantControlPlane({ addons: { kubeProxy: {} } }), inputs);
    const daemonSet = objects.find((o) => o.kind === 'DaemonSet' && o.metadata?.name === 'kube-proxy') as unknown as {
      spec: { template: { spec: { hostNetwork: boolean; containers: { image: string }[] } } };
    };
    expect(daemonSet.spec.template.spec.hostNetwork).toBe(true);
    expect(daemonSet.spec.template.spec.containers[0]?.image).toBe('registry.k8s.io/kube-proxy:v1.33.13');
    const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata?.name === 'kube-proxy') as unknown as { data: Record<string, string> };
    expect(parse(config.data['kubeconfig.conf'] ?? '')).toMatchObject({ clusters: [{ cluster: { server: inputs.server } }] });
    expect(parse(config.data['config.conf'] ?? '')).toMatchObject({ kind: 'KubeProxyConfiguration', clusterCIDR: '10.244.0.0/16' });
    expect(tenantBootstrapObjects(tenantControlPlane(), inputs).some((o) => o.metadata?.name === 'kube-proxy')).toBe(false);
  });
});
