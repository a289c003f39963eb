import type { V1Service } from '@kubernetes/client-node';
import { describe, expect, test } from 'vitest';
import { buildService, controlPlaneEndpoint, formatEndpoint } from '../../../../src/controllers/tenantcontrolplane/service.ts';
import { tenantControlPlane } from './fixtures.ts';

describe('buildService', () => {
  test('ClusterIP: one kube-apiserver port on networkProfile.port, selecting the control plane pods', () => {
    const service = buildService(tenantControlPlane());
    expect(service.metadata).toMatchObject({ name: 'tenant-a', namespace: 'team-a', labels: { 'kamaji.clastix.io/component': 'service' } });
    expect(service.spec).toEqual({
      type: 'ClusterIP',
      selector: { 'kamaji.clastix.io/name': 'tenant-a' },
      ports: [{ name: 'kube-apiserver', protocol: 'TCP', port: 6443, targetPort: 6443 }],
    });
  });

  test('NodePort: the node port equals the port, konnectivity gets its own port, additional ports follow', () => {
    const tcp = tenantControlPlane({
      controlPlane: {
        service: {
          serviceType: 'NodePort',
          additionalPorts: [{ name: 'metrics', port: 9090, targetPort: 'metrics' }],
          additionalMetadata: { labels: { team: 'a' }, annotations: { note: 'x' } },
        },
      },
      networkProfile: { port: 31443 },
      addons: { konnectivity: { server: { port: 31132 } } },
    });
    const service = buildService(tcp);
    expect(service.spec?.ports).toEqual([
      { name: 'kube-apiserver', protocol: 'TCP', port: 31443, targetPort: 31443, nodePort: 31443 },
      { name: 'konnectivity-server', protocol: 'TCP', port: 31132, targetPort: 31132, nodePort: 31132 },
      { name: 'metrics', protocol: 'TCP', port: 9090, targetPort: 'metrics' },
    ]);
    expect(service.metadata?.labels).toMatchObject({ team: 'a', 'kamaji.clastix.io/name': 'tenant-a' });
    expect(service.metadata?.annotations).toEqual({ note: 'x' });
  });

  test('LoadBalancer: class, source ranges and node port allocation; ClusterIP may expose the address as external IP', () => {
    const lb = buildService(
      tenantControlPlane({
        controlPlane: { service: { serviceType: 'LoadBalancer', allocateLoadBalancerNodePorts: false } },
        networkProfile: { loadBalancerClass: 'metallb', loadBalancerSourceRanges: ['10.0.0.0/8'] },
      }),
    );
    expect(lb.spec).toMatchObject({ type: 'LoadBalancer', loadBalancerClass: 'metallb', loadBalancerSourceRanges: ['10.0.0.0/8'], allocateLoadBalancerNodePorts: false });
    const external = buildService(tenantControlPlane({ networkProfile: { address: '192.0.2.10', allowAddressAsExternalIP: true } }));
    expect(external.spec?.externalIPs).toEqual(['192.0.2.10']);
  });
});

describe('controlPlaneEndpoint', () => {
  const clusterIPService: V1Service = { spec: { clusterIP: '10.96.3.4' } };

  test('the pinned address wins, else the ClusterIP', () => {
    expect(controlPlaneEndpoint(tenantControlPlane({ networkProfile: { address: '192.0.2.1' } }), clusterIPService)).toEqual({ host: '192.0.2.1', port: 6443 });
    expect(controlPlaneEndpoint(tenantControlPlane(), clusterIPService)).toEqual({ host: '10.96.3.4', port: 6443 });
  });

  test('LoadBalancer: its IP, or its host name (cloud load balancers), or nothing yet', () => {
    const tcp = tenantControlPlane({ controlPlane: { service: { serviceType: 'LoadBalancer' } } });
    expect(controlPlaneEndpoint(tcp, { ...clusterIPService, status: { loadBalancer: { ingress: [{ ip: '203.0.113.5' }] } } })).toEqual({ host: '203.0.113.5', port: 6443 });
    expect(controlPlaneEndpoint(tcp, { status: { loadBalancer: { ingress: [{ hostname: 'abc.elb.example' }] } } })).toEqual({ host: 'abc.elb.example', port: 6443 });
    expect(controlPlaneEndpoint(tcp, clusterIPService)).toBeUndefined();
  });

  test('IPv6 hosts are bracketed', () => {
    expect(formatEndpoint({ host: 'fd00::1', port: 6443 })).toBe('[fd00::1]:6443');
    expect(formatEndpoint({ host: '10.0.0.1', port: 6443 })).toBe('10.0.0.1:6443');
  });
});
