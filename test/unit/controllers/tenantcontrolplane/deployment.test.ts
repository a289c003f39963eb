import type { V1Container, V1Deployment } from '@kubernetes/client-node';
import { describe, expect, test } from 'vitest';
import { buildDeployment, type DeploymentInputs } from '../../../../src/controllers/tenantcontrolplane/deployment.ts';
import { tenantControlPlane } from './fixtures.ts';

const etcdInputs: DeploymentInputs = {
  driver: 'etcd',
  dataStoreEndpoints: ['172.31.254.2:2479', 'etcd-1.example:2379'],
  dataStoreTls: { certificateAuthority: true, clientCertificate: true },
  advertiseAddress: '10.96.12.34',
  checksums: { 'tenant-a-ca': 'aaa', 'tenant-a-api-server-certificate': 'bbb' },
  kineImage: 'docker.io/rancher/kine:v0.16.4',
};

const sqlInputs = (driver: 'PostgreSQL' | 'MySQL', tls = false): DeploymentInputs => ({
  ...etcdInputs,
  driver,
  dataStoreEndpoints: ['172.31.254.1:5432'],
  dataStoreTls: { certificateAuthority: tls, clientCertificate: tls },
});

function container(deployment: V1Deployment, name: string): V1Container {
  const found = deployment.spec?.template.spec?.containers.find((c) => c.name === name);
  if (!found) throw new Error(`no container ${name}`);
  return found;
}

const args = (deployment: V1Deployment, name: string) => container(deployment, name).args ?? [];

describe('buildDeployment', () => {
  test('metadata, selector, owner reference and replicas', () => {
    const tcp = tenantControlPlane();
    const deployment = buildDeployment(tcp, etcdInputs);
    expect(deployment.metadata).toMatchObject({
      name: 'tenant-a',
      namespace: 'team-a',
      labels: { 'kamaji.clastix.io/name': 'tenant-a', 'kamaji.clastix.io/project': 'kamaji', 'kamaji.clastix.io/component': 'deployment' },
      ownerReferences: [
        { apiVersion: 'tenancy.kamaji.io/v1alpha1', kind: 'TenantControlPlane', name: 'tenant-a', uid: tcp.metadata.uid, controller: true },
      ],
    });
    expect(deployment.spec?.selector).toEqual({ matchLabels: { 'kamaji.clastix.io/name': 'tenant-a' } });
    expect(deployment.spec?.template.metadata?.labels).toMatchObject({ 'kamaji.clastix.io/name': 'tenant-a' });
    expect(deployment.spec?.replicas).toBe(1);
  });

  test('blue/green by default; RollingUpdate without parameters is forced to 100%/0; Recreate stays', () => {
    expect(buildDeployment(tenantControlPlane(), etcdInputs).spec?.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: '100%', maxUnavailable: 0 },
    });
    const rolling = tenantControlPlane({
      controlPlane: { deployment: { strategy: { type: 'RollingUpdate' } }, service: { serviceType: 'ClusterIP' } },
    });
    expect(buildDeployment(rolling, etcdInputs).spec?.strategy?.rollingUpdate).toEqual({ maxSurge: '100%', maxUnavailable: 0 });
    const recreate = tenantControlPlane({
      controlPlane: { deployment: { strategy: { type: 'Recreate' } }, service: { serviceType: 'ClusterIP' } },
    });
    expect(buildDeployment(recreate, etcdInputs).spec?.strategy).toEqual({ type: 'Recreate' });
  });

  test('etcd: three containers from the upstream images, IfNotPresent, etcd flags and the etcd certificates', () => {
    const deployment = buildDeployment(tenantControlPlane(), etcdInputs);
    const containers = deployment.spec?.template.spec?.containers ?? [];
    expect(containers.map((c) => [c.name, c.image, c.imagePullPolicy])).toEqual([
      ['kube-apiserver', 'registry.k8s.io/kube-apiserver:v1.33.13', 'IfNotPresent'],
      ['kube-scheduler', 'registry.k8s.io/kube-scheduler:v1.33.13', 'IfNotPresent'],
      ['kube-controller-manager', 'registry.k8s.io/kube-controller-manager:v1.33.13', 'IfNotPresent'],
    ]);
    const apiServer = args(deployment, 'kube-apiserver');
    expect(apiServer).toContain('--etcd-servers=https://172.31.254.2:2479,https://etcd-1.example:2379');
    expect(apiServer).toContain(`--etcd-prefix=/${tenantControlPlane().spec.dataStoreSchema}`);
    expect(apiServer).toContain('--etcd-compaction-interval=0');
    expect(apiServer).toContain('--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt');
    expect(apiServer).toContain('--advertise-address=10.96.12.34');
    expect(apiServer).toContain('--secure-port=6443');
    expect(apiServer).toContain('--service-cluster-ip-range=10.96.0.0/16');
    expect(apiServer).toContain('--authorization-mode=Node,RBAC');
    expect(apiServer).toContain('--enable-bootstrap-token-auth=true');
    expect(apiServer.some((a) => a.startsWith('--enable-admission-plugins=CertificateApproval,'))).toBe(true);
    const pki = deployment.spec?.template.spec?.volumes?.find((v) => v.name === 'etc-kubernetes-pki');
    const etcdSource = pki?.projected?.sources?.find((s) => s.secret?.name === 'tenant-a-datastore-certificate');
    expect(etcdSource?.secret?.items?.map((i) => i.path)).toEqual(['etcd/ca.crt', 'etcd/server.crt', 'etcd/server.key']);
  });

  test('probes are HTTPS on the component ports with Kamaji defaults; per-component values win over global ones', () => {
    const defaults = buildDeployment(tenantControlPlane(), etcdInputs);
    expect(container(defaults, 'kube-apiserver').livenessProbe).toEqual({
      httpGet: { path: '/livez', port: 6443, scheme: 'HTTPS' },
      initialDelaySeconds: 0,
      timeoutSeconds: 1,
      periodSeconds: 10,
      successThreshold: 1,
      failureThreshold: 3,
    });
    expect(container(defaults, 'kube-apiserver').readinessProbe?.httpGet?.path).toBe('/readyz');
    expect(container(defaults, 'kube-scheduler').livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 10259, scheme: 'HTTPS' });
    expect(container(defaults, 'kube-controller-manager').startupProbe?.httpGet).toEqual({ path: '/healthz', port: 10257, scheme: 'HTTPS' });

    const tuned = tenantControlPlane({
      controlPlane: {
        deployment: {
          probes: { startup: { failureThreshold: 30, periodSeconds: 5 }, apiServer: { startup: { failureThreshold: 60 } } },
        },
        service: { serviceType: 'ClusterIP' },
      },
    });
    const deployment = buildDeployment(tuned, etcdInputs);
    expect(container(deployment, 'kube-apiserver').startupProbe).toMatchObject({ failureThreshold: 60, periodSeconds: 5 });
    expect(container(deployment, 'kube-scheduler').startupProbe).toMatchObject({ failureThreshold: 30, periodSeconds: 5 });
  });

  test('PostgreSQL: a kine sidecar on a Unix socket with the credentials from the datastore-config Secret', () => {
    const deployment = buildDeployment(tenantControlPlane(), sqlInputs('PostgreSQL'));
    const kine = container(deployment, 'kine');
    expect(kine.image).toBe('docker.io/rancher/kine:v0.16.4');
    expect(kine.command).toEqual(['/bin/kine']);
    expect(kine.args).toEqual([
      '--endpoint=postgres://$(DB_USER):$(DB_PASSWORD)@$(DB_CONNECTION_STRING)/$(DB_SCHEMA)',
      '--listen-address=unix:///uds/kine',
    ]);
    expect(kine.envFrom).toEqual([{ secretRef: { name: 'tenant-a-datastore-config' } }]);
    expect(kine.volumeMounts).toEqual([{ name: 'kine-uds', mountPath: '/uds' }]);
    const apiServer = args(deployment, 'kube-apiserver');
    expect(apiServer).toContain('--etcd-servers=unix:///uds/kine');
    expect(apiServer.some((a) => a.startsWith('--etcd-prefix') || a.startsWith('--etcd-cafile'))).toBe(false);
    expect(container(deployment, 'kube-apiserver').volumeMounts).toContainEqual({ name: 'kine-uds', mountPath: '/uds' });
    const pki = deployment.spec?.template.spec?.volumes?.find((v) => v.name === 'etc-kubernetes-pki');
    expect(pki?.projected?.sources?.some((s) => s.secret?.name === 'tenant-a-datastore-certificate')).toBe(false);
  });

  test('MySQL with TLS: kine verifies the server and presents the client certificate from a 0600 volume', () => {
    const deployment = buildDeployment(tenantControlPlane(), sqlInputs('MySQL', true));
    expect(args(deployment, 'kine')).toEqual([
      '--ca-file=/certs/ca.crt',
      '--cert-file=/certs/server.crt',
      '--endpoint=mysql://$(DB_USER):$(DB_PASSWORD)@tcp($(DB_CONNECTION_STRING))/$(DB_SCHEMA)',
      '--key-file=/certs/server.key',
      '--listen-address=unix:///uds/kine',
    ]);
    const certs = deployment.spec?.template.spec?.volumes?.find((v) => v.name === 'kine-certs');
    expect(certs?.secret).toEqual({ secretName: 'tenant-a-datastore-certificate', defaultMode: 0o600 });
  });

  test('konnectivity: the server sidecar, the egress selector and its volumes', () => {
    const tcp = tenantControlPlane({ addons: { konnectivity: {} } });
    const deployment = buildDeployment(tcp, etcdInputs);
    const server = container(deployment, 'konnectivity-server');
    expect(server.image).toBe('registry.k8s.io/kas-network-proxy/proxy-server:v0.33.0');
    expect(server.args).toContain('--uds-name=/run/konnectivity/konnectivity-server.socket');
    expect(server.args).toContain('--agent-port=8132');
    expect(server.args).toContain('--server-count=1');
    expect(args(deployment, 'kube-apiserver')).toContain(
      '--egress-selector-config-file=/etc/kubernetes/konnectivity/configurations/egress-selector-configuration.yaml',
    );
    const volumes = deployment.spec?.template.spec?.volumes?.map((v) => v.name) ?? [];
    expect(volumes).toEqual(expect.arrayContaining(['konnectivity-uds', 'egress-selector-configuration', 'konnectivity-server-kubeconfig']));
    expect(buildDeployment(tenantControlPlane(), etcdInputs).spec?.template.spec?.containers.map((c) => c.name)).not.toContain(
      'konnectivity-server',
    );
  });

  test('user extra args: managed apiserver flags win, defaults yield, additional containers and volumes come first', () => {
    const tcp = tenantControlPlane({
      controlPlane: {
        deployment: {
          extraArgs: {
            apiServer: ['--secure-port=1234', '--authorization-config=/etc/authz.yaml', '--v=2', '--allow-privileged=false'],
            controllerManager: ['--controllers=*'],
            scheduler: ['--leader-elect=false', '--v=3'],
          },
          additionalContainers: [{ name: 'sidecar', image: 'busybox' }],
          additionalVolumes: [{ name: 'extra', emptyDir: {} }],
          additionalVolumeMounts: { apiServer: [{ name: 'extra', mountPath: '/extra' }] },
        },
        service: { serviceType: 'ClusterIP' },
      },
    });
    const deployment = buildDeployment(tcp, etcdInputs);
    const apiServer = args(deployment, 'kube-apiserver');
    expect(apiServer).toContain('--secure-port=6443');
    expect(apiServer).not.toContain('--secure-port=1234');
    expect(apiServer.some((a) => a.startsWith('--authorization-mode'))).toBe(false);
    expect(apiServer.slice(-3)).toEqual(['--authorization-config=/etc/authz.yaml', '--v=2', '--allow-privileged=false']);
    expect(apiServer).not.toContain('--allow-privileged=true');
    expect(args(deployment, 'kube-controller-manager')).toContain('--controllers=*');
    expect(args(deployment, 'kube-controller-manager')).not.toContain('--controllers=*,bootstrapsigner,tokencleaner');
    expect(args(deployment, 'kube-scheduler')).toContain('--leader-elect=true');
    expect(args(deployment, 'kube-scheduler').at(-1)).toBe('--v=3');
    expect(deployment.spec?.template.spec?.containers[0]?.name).toBe('sidecar');
    expect(deployment.spec?.template.spec?.volumes?.[0]?.name).toBe('extra');
    expect(container(deployment, 'kube-apiserver').volumeMounts?.at(-1)).toEqual({ name: 'extra', mountPath: '/extra' });
  });

  test('pod annotations carry the Secret checksums, so a rotated Secret rolls the pods', () => {
    const deployment = buildDeployment(tenantControlPlane(), etcdInputs);
    expect(deployment.spec?.template.metadata?.annotations).toEqual({
      'checksum.kamaji.clastix.io/api-server-certificate': 'bbb',
      'checksum.kamaji.clastix.io/ca': 'aaa',
    });
    const rotated = buildDeployment(tenantControlPlane(), { ...etcdInputs, checksums: { ...etcdInputs.checksums, 'tenant-a-ca': 'ccc' } });
    expect(rotated.spec?.template.metadata?.annotations?.['checksum.kamaji.clastix.io/ca']).toBe('ccc');
  });

  test('the same spec renders the same Deployment (no reconcile loop), whatever the order of the inputs', () => {
    const tcp = tenantControlPlane({ addons: { konnectivity: {} } });
    const reordered = { ...etcdInputs, checksums: Object.fromEntries(Object.entries(etcdInputs.checksums).reverse()) };
    expect(JSON.stringify(buildDeployment(tcp, reordered))).toBe(JSON.stringify(buildDeployment(tcp, etcdInputs)));
  });

  test('registry settings and tag suffix name the images; no advertise address is left out rather than guessed', () => {
    const tcp = tenantControlPlane({
      controlPlane: {
        deployment: { registrySettings: { registry: 'mirror.example/k8s', apiServerImage: 'apiserver', tagSuffix: '-fips' } },
        service: { serviceType: 'ClusterIP' },
      },
    });
    const { advertiseAddress: _omitted, ...inputs } = etcdInputs;
    const deployment = buildDeployment(tcp, { ...inputs, imagePullPolicy: 'Always' });
    expect(container(deployment, 'kube-apiserver').image).toBe('mirror.example/k8s/apiserver:v1.33.13-fips');
    expect(container(deployment, 'kube-scheduler').image).toBe('mirror.example/k8s/kube-scheduler:v1.33.13-fips');
    expect(container(deployment, 'kube-apiserver').imagePullPolicy).toBe('Always');
    expect(args(deployment, 'kube-apiserver').some((a) => a.startsWith('--advertise-address'))).toBe(false);
  });
});

