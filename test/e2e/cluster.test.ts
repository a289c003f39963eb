// The local management cluster itself: a Ready node, a healthy API server, pods that run the
// locally built upstream images, and throwaway datastores reachable from pods.
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  kubectl,
  kubernetesVersion,
  newNamespace,
  NODE_NAME,
  pinnedVersion,
  REPO_ROOT,
  startEtcd,
  startPostgres,
  type Datastore,
  type EtcdDatastore,
  type SqlCredentials,
} from './support/index.ts';

const run = promisify(execFile);

async function waitForPodReady(namespace: string, pod: string): Promise<void> {
  await kubectl(['-n', namespace, 'wait', '--for=condition=Ready', `pod/${pod}`, '--timeout=180s'], { timeoutMs: 200_000 });
}

async function podPhase(namespace: string, pod: string): Promise<string> {
  return (await kubectl(['-n', namespace, 'get', 'pod', pod, '-o', 'jsonpath={.status.phase}'])).stdout;
}

describe('local management cluster', () => {
  it('has one Ready node running the pinned Kubernetes version', async () => {
    const { stdout } = await kubectl(['get', 'nodes', '-o', 'json']);
    const nodes = JSON.parse(stdout) as {
      items: { metadata: { name: string }; status: { conditions: { type: string; status: string }[]; nodeInfo: { kubeletVersion: string } } }[];
    };
    expect(nodes.items.map((n) => n.metadata.name)).toEqual([NODE_NAME]);
    const [node] = nodes.items;
    expect(node!.status.conditions.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(node!.status.nodeInfo.kubeletVersion).toBe(kubernetesVersion());
  });

  it('answers /readyz with ok', async () => {
    expect((await kubectl(['get', '--raw', '/readyz'])).stdout.trim()).toBe('ok');
  });

  it('reports every component running in cluster:status', async () => {
    const { stdout } = await run('bash', [join(REPO_ROOT, 'hack', 'cluster-status.sh')]);
    for (const component of ['etcd', 'kamaji-etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'containerd', 'kubelet', 'kube-proxy']) {
      expect(stdout).toMatch(new RegExp(`^${component}\\s+running\\s+pid \\d+$`, 'm'));
    }
    expect(stdout).toContain('8 of 8 components running');
  });

  describe('pods', () => {
    let etcd: EtcdDatastore;
    let postgres: Datastore<SqlCredentials>;

    beforeAll(async () => {
      [etcd, postgres] = await Promise.all([startEtcd(), startPostgres()]);
    });
    afterAll(async () => {
      await Promise.all([etcd?.stop(), postgres?.stop()]);
    });

    it('runs the locally built kube-apiserver image, serving from a throwaway etcd', async () => {
      const { name: namespace } = await newNamespace('e2e-cluster');
      const keys = generateKeyPairSync('rsa', {
        modulusLength: 2048,
        publicKeyEncoding: { type: 'spki', format: 'pem' },
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      });
      await kubectl(['-n', namespace, 'create', 'secret', 'generic', 'service-account-keys',
        `--from-literal=sa.pub=${keys.publicKey}`, `--from-literal=sa.key=${keys.privateKey}`]);
      const image = `registry.k8s.io/kube-apiserver:${kubernetesVersion()}`;
      const pod = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'kube-apiserver' },
        spec: {
          containers: [{
            name: 'kube-apiserver',
            image,
            imagePullPolicy: 'IfNotPresent',
            command: ['kube-apiserver', `--etcd-servers=${etcd.endpoint}`, '--cert-dir=/tmp',
              '--service-account-issuer=https://kubernetes.default.svc', '--service-account-key-file=/keys/sa.pub',
              '--service-account-signing-key-file=/keys/sa.key', '--service-cluster-ip-range=10.0.0.0/24',
              // RBAC (not the default AlwaysAllow) keeps anonymous requests on, so the probe may read /readyz.
              '--authorization-mode=RBAC'],
            readinessProbe: { httpGet: { path: '/readyz', port: 6443, scheme: 'HTTPS' }, periodSeconds: 2 },
            volumeMounts: [{ name: 'keys', mountPath: '/keys', readOnly: true }],
          }],
          volumes: [{ name: 'keys', secret: { secretName: 'service-account-keys' } }],
        },
      };
      await kubectl(['-n', namespace, 'apply', '-f', '-'], { input: JSON.stringify(pod) });
      await waitForPodReady(namespace, 'kube-apiserver');
      expect(await podPhase(namespace, 'kube-apiserver')).toBe('Running');
      const { stdout } = await kubectl(['-n', namespace, 'get', 'pod', 'kube-apiserver', '-o', 'jsonpath={.status.containerStatuses[0].image}']);
      expect(stdout).toBe(image);
    });

    it('`kubectl run` of the kube-apiserver image prints the pinned version', async () => {
      const { name: namespace } = await newNamespace('e2e-cluster');
      await kubectl(['-n', namespace, 'run', 'version', `--image=registry.k8s.io/kube-apiserver:${kubernetesVersion()}`,
        '--image-pull-policy=IfNotPresent', '--restart=Never', '--command', '--', 'kube-apiserver', '--version']);
      await kubectl(['-n', namespace, 'wait', '--for=jsonpath={.status.phase}=Succeeded', 'pod/version', '--timeout=120s'], {
        timeoutMs: 150_000,
      });
      expect((await kubectl(['-n', namespace, 'logs', 'version'])).stdout.trim()).toBe(`Kubernetes ${kubernetesVersion()}`);
    });

    it('reaches a throwaway PostgreSQL from a pod (kine image storing into it)', async () => {
      const { name: namespace } = await newNamespace('e2e-cluster');
      const { user, password, database } = postgres.credentials;
      const dsn = `postgres://${user}:${password}@${postgres.host}:${postgres.port}/${database}?sslmode=disable`;
      await kubectl(['-n', namespace, 'create', 'secret', 'generic', 'kine-endpoint', `--from-literal=endpoint=${dsn}`]);
      const pod = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'kine' },
        spec: {
          containers: [{
            name: 'kine',
            image: `docker.io/rancher/kine:${pinnedVersion('KINE_VERSION')}`,
            imagePullPolicy: 'IfNotPresent',
            args: ['--endpoint=$(ENDPOINT)', '--listen-address=0.0.0.0:2379'],
            env: [{ name: 'ENDPOINT', valueFrom: { secretKeyRef: { name: 'kine-endpoint', key: 'endpoint' } } }],
            readinessProbe: { tcpSocket: { port: 2379 }, periodSeconds: 2 },
          }],
        },
      };
      await kubectl(['-n', namespace, 'apply', '-f', '-'], { input: JSON.stringify(pod) });
      await waitForPodReady(namespace, 'kine');
      const client = new pg.Client({ host: postgres.host, port: postgres.port, user, password, database });
      await client.connect();
      try {
        const { rows } = await client.query<{ count: string }>('SELECT count(*) AS count FROM kine');
        expect(Number(rows[0]!.count)).toBeGreaterThan(0);
      } finally {
        await client.end();
      }
    });
  });
});
