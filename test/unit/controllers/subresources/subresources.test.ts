// The kubeconfig and join handlers over a real registry (memory storage), with the management and
// tenant clusters replaced by maps of Secrets: the parts of the flow that need no cluster.
import { ApiException, type KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { KubeObject, UserInfo } from '../../../../src/apis/meta.ts';
import type { KubeClient } from '../../../../src/controllers/runtime/kube-client.ts';
import {
  BOOTSTRAP_GROUP,
  CLUSTER_ADMINS_GROUP,
  createJoinSubresource,
  createKubeconfigSubresource,
  EXPIRATION_ANNOTATION,
} from '../../../../src/controllers/subresources/index.ts';
import { caCertificateHash, createCertificateAuthority, isSignedBy, matchesPrivateKey, parseCertificate } from '../../../../src/pki/index.ts';
import { toTable } from '../../../../src/registry/table.ts';
import { admin, dataStore, newRegistry, statusOf, tenantControlPlane } from '../datastore/fixtures.ts';

const ca = await createCertificateAuthority({ commonName: 'tenant-ca', validityDays: 30 });
const alice: UserInfo = { username: 'alice@example.com', groups: ['team-a'] };
const base64 = (text: string) => Buffer.from(text).toString('base64');

/** A management cluster holding the tcp's CA and admin kubeconfig Secrets. */
function managementCluster(): KubeClient {
  const secrets: Record<string, Record<string, string>> = {
    'team-a/demo-ca': { 'ca.crt': base64(ca.certificate), 'ca.key': base64(ca.privateKey) },
    'team-a/demo-admin-kubeconfig': { 'super-admin.svc': base64('apiVersion: v1\nkind: Config\n') },
  };
  return {
    async read(ref: KubernetesObject) {
      const data = secrets[`${ref.metadata?.namespace}/${ref.metadata?.name}`];
      if (!data) throw new ApiException(404, 'not found', '{}', {});
      return { ...ref, data };
    },
  } as unknown as KubeClient;
}

/** A tenant cluster that records the objects created in it; `conflicts` first creates answer 409. */
function tenantCluster(conflicts = 0) {
  const created: KubernetesObject[] = [];
  const client = {
    async create(object: KubernetesObject) {
      if (conflicts-- > 0) throw new ApiException(409, 'exists', '{}', {});
      created.push(object);
      return object;
    },
  } as unknown as KubeClient;
  return { client, created };
}

async function setUp(options: { ready?: boolean; conflicts?: number } = {}) {
  const { registry, dataStores, tenantControlPlanes } = newRegistry();
  await registry.whenReady();
  await dataStores.create(undefined, dataStore('pg'), { user: admin });
  await tenantControlPlanes.create('team-a', tenantControlPlane('demo', { dataStore: 'pg' }, 'team-a'), { user: admin });
  const tcp = await tenantControlPlanes.get('team-a', 'demo');
  const state = options.ready === false ? 'Provisioning' : 'Ready';
  await tenantControlPlanes.update(
    'team-a',
    'demo',
    { ...tcp, status: { controlPlaneEndpoint: '10.0.0.10:6443', kubernetesResources: { version: { status: state, version: 'v1.33.1' } } } },
    { user: admin, target: 'status' },
  );
  const tenant = tenantCluster(options.conflicts);
  const clock = () => new Date('2026-03-01T12:00:00Z');
  const deps = { registry, managementClient: managementCluster(), clock };
  const connections: string[] = [];
  return {
    kubeconfig: createKubeconfigSubresource(deps),
    join: createJoinSubresource({
      ...deps,
      tenantClientFrom: (yaml) => {
        connections.push(yaml);
        return tenant.client;
      },
    }),
    created: tenant.created,
    connections,
  };
}

const request = (query: Record<string, string> = {}, body?: KubeObject['spec']) => ({
  namespace: 'team-a',
  name: 'demo',
  user: alice,
  query,
  ...(body ? { body } : {}),
});

type Kubeconfig = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; annotations: Record<string, string> };
  clusters: { name: string; cluster: { server: string; 'certificate-authority-data': string } }[];
  users: { name: string; user: { 'client-certificate-data': string; 'client-key-data': string } }[];
  'current-context': string;
};

describe('kubeconfig subresource', () => {
  it('issues a kubeconfig for the requester, signed by the tenant CA, valid for 24 hours', async () => {
    const { kubeconfig } = await setUp();
    const before = Date.now();
    const config = (await kubeconfig.get!(request())) as unknown as Kubeconfig;
    const after = Date.now();
    expect(config.apiVersion).toBe('v1');
    expect(config.kind).toBe('Config');
    expect(config.metadata.name).toBe('demo');
    expect(config.clusters).toEqual([{ name: 'demo', cluster: { server: 'https://10.0.0.10:6443', 'certificate-authority-data': base64(ca.certificate) } }]);
    expect(config['current-context']).toBe('alice@example.com@demo');
    const user = config.users[0]!;
    expect(user.name).toBe('alice@example.com');
    const certificate = Buffer.from(user.user['client-certificate-data'], 'base64').toString();
    const key = Buffer.from(user.user['client-key-data'], 'base64').toString();
    const info = parseCertificate(certificate);
    expect(info.commonName).toBe('alice@example.com');
    expect(info.organizations).toEqual([CLUSTER_ADMINS_GROUP]);
    expect(isSignedBy(certificate, ca.certificate)).toBe(true);
    expect(matchesPrivateKey(certificate, key)).toBe(true);
    expect(info.notAfter.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 86_400_000);
    expect(info.notAfter.getTime()).toBeLessThanOrEqual(after + 86_400_000);
    expect(config.metadata.annotations[EXPIRATION_ANNOTATION]).toBe(info.notAfter.toISOString().replace('.000Z', 'Z'));
  });

  it('gives each request a fresh key', async () => {
    const { kubeconfig } = await setUp();
    const keyOf = async () => ((await kubeconfig.get!(request())) as unknown as Kubeconfig).users[0]!.user['client-key-data'];
    expect(await keyOf()).not.toBe(await keyOf());
  });

  it('honours a shorter expirationSeconds and caps longer ones at 24 hours', async () => {
    const { kubeconfig } = await setUp();
    const lifetime = async (seconds: string) => {
      const before = Date.now();
      const config = (await kubeconfig.get!(request({ expirationSeconds: seconds }))) as unknown as Kubeconfig;
      const notAfter = parseCertificate(Buffer.from(config.users[0]!.user['client-certificate-data'], 'base64').toString()).notAfter.getTime();
      return Math.round((notAfter - before) / 60_000);
    };
    expect(await lifetime('3600')).toBe(60);
    expect(await lifetime('9999999')).toBe(24 * 60);
  });

  it.each(['abc', '10', '-5', '1.5', ''])('refuses expirationSeconds=%j with a 400 naming it', async (value) => {
    const { kubeconfig } = await setUp();
    const status = await statusOf(kubeconfig.get!(request({ expirationSeconds: value })));
    expect(status.code).toBe(400);
    expect(status.message).toMatch(/^expirationSeconds: /);
  });

  it('answers 409 while the control plane is not Ready, and 404 for none', async () => {
    const { kubeconfig } = await setUp({ ready: false });
    const status = await statusOf(kubeconfig.get!(request()));
    expect(status.code).toBe(409);
    expect(status.message).toBe(
      'Operation cannot be fulfilled on tenantcontrolplanes.tenancy.kamaji.io "demo": the control plane is not Ready yet (status Provisioning); wait for it with: kubectl wait --for=condition=Ready tcp/demo -n team-a',
    );
    expect((await statusOf(kubeconfig.get!({ ...request(), name: 'absent' }))).code).toBe(404);
  });

  it('shows cluster, server, user and expiry in the Table form', async () => {
    const { kubeconfig } = await setUp();
    const config = await kubeconfig.get!(request());
    const table = toTable(kubeconfig.printerColumns, [config]);
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Cluster', 'Server', 'User', 'Expires']);
    expect(table.rows[0]!.cells).toEqual([
      'demo',
      'demo',
      'https://10.0.0.10:6443',
      'alice@example.com',
      (config.metadata.annotations ?? {})[EXPIRATION_ANNOTATION],
    ]);
  });
});

describe('join subresource', () => {
  it('creates a bootstrap token in the tenant and returns the complete join command', async () => {
    const { join, created, connections } = await setUp();
    const answer = (await join.create!(request())) as KubeObject & Record<string, unknown>;
    expect(connections).toEqual(['apiVersion: v1\nkind: Config\n']);
    const token = answer.token as string;
    expect(token).toMatch(/^[a-z0-9]{6}\.[a-z0-9]{16}$/);
    const [id, secret] = token.split('.');
    const hash = caCertificateHash(ca.certificate);
    expect(answer).toEqual({
      apiVersion: 'tenancy.kamaji.io/v1alpha1',
      kind: 'TenantControlPlaneJoin',
      metadata: { name: 'demo', namespace: 'team-a' },
      token,
      caCertHashes: [hash],
      endpoint: '10.0.0.10:6443',
      joinCommand: `kubeadm join 10.0.0.10:6443 --token ${token} --discovery-token-ca-cert-hash ${hash}`,
      expiration: '2026-03-01T13:00:00Z',
    });
    expect(created).toEqual([
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: `bootstrap-token-${id}`, namespace: 'kube-system' },
        type: 'bootstrap.kubernetes.io/token',
        stringData: {
          description: 'created by Kamaji-TS for alice@example.com through tenantcontrolplanes/join',
          'token-id': id,
          'token-secret': secret,
          expiration: '2026-03-01T13:00:00Z',
          'usage-bootstrap-authentication': 'true',
          'usage-bootstrap-signing': 'true',
          'auth-extra-groups': BOOTSTRAP_GROUP,
        },
      },
    ]);
  });

  it('takes the TTL from the body and refuses bad ones naming ttlSeconds', async () => {
    const { join } = await setUp();
    expect(((await join.create!(request({}, { ttlSeconds: 7200 }))) as Record<string, unknown>).expiration).toBe('2026-03-01T14:00:00Z');
    for (const ttlSeconds of [0, 59, 'soon', 1.5, 10 ** 9]) {
      const status = await statusOf(join.create!(request({}, { ttlSeconds })));
      expect(status.code).toBe(400);
      expect(status.message).toMatch(/^ttlSeconds: /);
    }
  });

  it('draws a new token when the id is taken', async () => {
    const { join, created } = await setUp({ conflicts: 1 });
    const answer = (await join.create!(request())) as Record<string, unknown>;
    expect(created).toHaveLength(1);
    expect((created[0]!.metadata?.name ?? '').slice('bootstrap-token-'.length)).toBe((answer.token as string).split('.')[0]);
  });

  it('creates nothing on a dry run', async () => {
    const { join, created } = await setUp();
    await join.create!({ ...request(), dryRun: true });
    expect(created).toEqual([]);
  });

  it('answers GET with everything but a token', async () => {
    const { join, created } = await setUp();
    const answer = (await join.get!(request())) as Record<string, unknown>;
    expect(answer.token).toBeUndefined();
    expect(answer.expiration).toBeUndefined();
    expect(answer.caCertHashes).toEqual([caCertificateHash(ca.certificate)]);
    expect(answer.joinCommand).toBe(`kubeadm join 10.0.0.10:6443 --token <token> --discovery-token-ca-cert-hash ${caCertificateHash(ca.certificate)}`);
    expect(created).toEqual([]);
  });

  it('answers 409 while the control plane is not Ready', async () => {
    const { join, created } = await setUp({ ready: false });
    expect((await statusOf(join.create!(request()))).code).toBe(409);
    expect(created).toEqual([]);
  });
});
