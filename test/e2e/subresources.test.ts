// The credential subresources against the real management cluster: `kubeconfig` (Table form,
// a certificate made for whoever asks, expirationSeconds, RBAC on the subresource itself) and
// `join` (a bootstrap token the tenant accepts and signs cluster-info for, GET without a token),
// and the 409 they answer before the control plane is Ready.
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { caCertificateHash } from '../../src/pki/index.ts';
import { NODE_IP, kubectl, localTenantControlPlane, newNamespace, type TestNamespace } from './support/index.ts';

const TCP = 'creds';
const READY_TIMEOUT_MS = 320_000;

type Kubeconfig = {
  kind: string;
  metadata: { name: string; annotations: Record<string, string> };
  clusters: { name: string; cluster: { server: string; 'certificate-authority-data': string } }[];
  users: { name: string; user: { 'client-certificate-data': string; 'client-key-data': string } }[];
};

type Join = { kind: string; token?: string; caCertHashes: string[]; endpoint: string; joinCommand: string; expiration?: string };

/** A kubectl failure's message (kubectl prints the server's Status message). */
async function refusal(call: Promise<unknown>): Promise<string> {
  return call.then(
    () => {
      throw new Error('the request succeeded');
    },
    (error: Error) => error.message,
  );
}

describe('TenantControlPlane subresources', () => {
  let namespace: TestNamespace;
  let dir: string;
  let port: number;
  let path: string;

  const tenantKubectl = async (kubeconfig: string, args: string[]) => (await kubectl(['--kubeconfig', kubeconfig, ...args])).stdout;
  const saveKubeconfig = (name: string, content: string) => {
    const file = join(dir, name);
    writeFileSync(file, content, { mode: 0o600 });
    return file;
  };
  /** A ServiceAccount of the test namespace bound to `rules` there; returns kubectl's --as flag. */
  const serviceAccountWith = async (name: string, rules: { resources: string[]; verbs: string[] }) => {
    await kubectl(['-n', namespace.name, 'create', 'serviceaccount', name]);
    await kubectl([
      '-n', namespace.name, 'create', 'role', name, `--verb=${rules.verbs.join(',')}`,
      ...rules.resources.map((resource) => `--resource=${resource}`),
    ]);
    await kubectl(['-n', namespace.name, 'create', 'rolebinding', name, `--role=${name}`, `--serviceaccount=${namespace.name}:${name}`]);
    return `--as=system:serviceaccount:${namespace.name}:${name}`;
  };

  beforeAll(async () => {
    await kubectl(['wait', '--for=jsonpath={.status.ready}=true', 'datastore/default', '--timeout=120s'], { timeoutMs: 140_000 });
    namespace = await newNamespace('e2e-subresources');
    dir = mkdtempSync(join(tmpdir(), 'e2e-subresources-'));
    port = 32000 + Math.floor(Math.random() * 700);
    path = `/apis/tenancy.kamaji.io/v1alpha1/namespaces/${namespace.name}/tenantcontrolplanes/${TCP}`;
    const manifest = localTenantControlPlane({ namespace: namespace.name, name: TCP, dataStore: 'default', nodePort: port });
    await kubectl(['apply', '-f', '-'], { input: stringify(manifest) });
  });

  afterAll(async () => {
    await kubectl(['-n', namespace.name, 'delete', 'tcp', TCP, '--wait=true', '--timeout=180s'], { timeoutMs: 200_000 }).catch(() => {});
    await namespace?.delete();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const waitReady = () =>
    kubectl(['-n', namespace.name, 'wait', '--for=condition=Ready', `tcp/${TCP}`, '--timeout=300s'], { timeoutMs: READY_TIMEOUT_MS });

  it('answers 409 while the control plane is not Ready', async () => {
    const { stdout } = await kubectl(['-n', namespace.name, 'get', 'tcp', TCP, '-o', 'jsonpath={.status.kubernetesResources.version.status}']);
    // Freshly created, it takes tens of seconds to start; should it already be Ready there is nothing to see.
    if (stdout === 'Ready') return;
    const message = await refusal(kubectl(['-n', namespace.name, 'get', 'tcp', TCP, '--subresource', 'kubeconfig', '-o', 'yaml']));
    expect(message).toContain('the control plane is not Ready yet');
    expect(message).toContain(`kubectl wait --for=condition=Ready tcp/${TCP}`);
    expect(await refusal(kubectl(['create', '--raw', `${path}/join`, '-f', '-'], { input: '{}' }))).toMatch(/not Ready yet|Conflict|409/);
  });

  it('gives the requester a kubeconfig that is cluster-admin in the tenant, shown as a Table too', async () => {
    await waitReady();
    const requester = (await kubectl(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'])).stdout;

    const table = (await kubectl(['-n', namespace.name, 'get', 'tcp', TCP, '--subresource', 'kubeconfig'])).stdout;
    const [header, row] = table.trim().split('\n');
    expect(header!.split(/\s+/)).toEqual(['NAME', 'CLUSTER', 'SERVER', 'USER', 'EXPIRES']);
    expect(row!.split(/\s+/).slice(0, 4)).toEqual([TCP, TCP, `https://${NODE_IP}:${port}`, requester]);

    const yaml = (await kubectl(['-n', namespace.name, 'get', 'tcp', TCP, '--subresource', 'kubeconfig', '-o', 'yaml'])).stdout;
    const config = parse(yaml) as Kubeconfig;
    expect(config.kind).toBe('Config');
    const file = saveKubeconfig('admin.kubeconfig', yaml);
    const whoami = JSON.parse(await tenantKubectl(file, ['auth', 'whoami', '-o', 'json'])) as { status: { userInfo: { username: string; groups: string[] } } };
    expect(whoami.status.userInfo.username).toBe(requester);
    expect(whoami.status.userInfo.groups).toContain('kubeadm:cluster-admins');
    expect((await tenantKubectl(file, ['auth', 'can-i', '*', '*', '--all-namespaces'])).trim()).toBe('yes');
    expect(await tenantKubectl(file, ['get', 'namespaces', '-o', 'name'])).toContain('namespace/kube-system');
  });

  it('issues to a ServiceAccount allowed get on tenantcontrolplanes/kubeconfig, in its own name', async () => {
    await waitReady();
    const as = await serviceAccountWith('kubeconfig-reader', { resources: ['tenantcontrolplanes/kubeconfig'], verbs: ['get'] });
    const yaml = (await kubectl(['-n', namespace.name, 'get', 'tcp', TCP, '--subresource', 'kubeconfig', '-o', 'yaml', as])).stdout;
    const file = saveKubeconfig('sa.kubeconfig', yaml);
    const username = await tenantKubectl(file, ['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}']);
    expect(username).toBe(`system:serviceaccount:${namespace.name}:kubeconfig-reader`);
  });

  it('refuses the kubeconfig to a user who may get the tcp but not its kubeconfig', async () => {
    await waitReady();
    const as = await serviceAccountWith('tcp-viewer', { resources: ['tenantcontrolplanes'], verbs: ['get', 'list'] });
    await kubectl(['-n', namespace.name, 'get', 'tcp', TCP, as]);
    const message = await refusal(kubectl(['-n', namespace.name, 'get', 'tcp', TCP, '--subresource', 'kubeconfig', as]));
    expect(message).toMatch(/forbidden/i);
    expect(message).toContain('tenantcontrolplanes/kubeconfig');
  });

  it('honours expirationSeconds and names it when it is bad', async () => {
    await waitReady();
    const before = Date.now();
    const config = JSON.parse((await kubectl(['get', '--raw', `${path}/kubeconfig?expirationSeconds=3600`])).stdout) as Kubeconfig;
    const certificate = new X509Certificate(Buffer.from(config.users[0]!.user['client-certificate-data'], 'base64'));
    const minutes = Math.round((certificate.validToDate.getTime() - before) / 60_000);
    expect(minutes).toBe(60);
    expect(config.metadata.annotations['tenancy.kamaji.io/expiration-timestamp']).toBe(certificate.validToDate.toISOString().replace('.000Z', 'Z'));
    const message = await refusal(kubectl(['get', '--raw', `${path}/kubeconfig?expirationSeconds=soon`]));
    expect(message).toContain('expirationSeconds');
  });

  it('creates a bootstrap token the tenant accepts, and returns the full join command', async () => {
    await waitReady();
    const answer = JSON.parse((await kubectl(['create', '--raw', `${path}/join`, '-f', '-'], { input: '{"ttlSeconds": 900}' })).stdout) as Join;
    const admin = saveKubeconfig('join-admin.kubeconfig', (await kubectl(['-n', namespace.name, 'get', 'tcp', TCP, '--subresource', 'kubeconfig', '-o', 'yaml'])).stdout);
    const caPem = Buffer.from((parse(await tenantKubectl(admin, ['config', 'view', '--raw', '-o', 'yaml'])) as Kubeconfig).clusters[0]!.cluster['certificate-authority-data'], 'base64').toString();
    const hash = caCertificateHash(caPem);

    expect(answer.kind).toBe('TenantControlPlaneJoin');
    expect(answer.token).toMatch(/^[a-z0-9]{6}\.[a-z0-9]{16}$/);
    expect(answer.caCertHashes).toEqual([hash]);
    expect(answer.endpoint).toBe(`${NODE_IP}:${port}`);
    expect(answer.joinCommand).toBe(`kubeadm join ${NODE_IP}:${port} --token ${answer.token} --discovery-token-ca-cert-hash ${hash}`);
    expect(Math.round((Date.parse(answer.expiration!) - Date.now()) / 60_000)).toBe(15);

    const [id] = answer.token!.split('.');
    const secret = JSON.parse(await tenantKubectl(admin, ['-n', 'kube-system', 'get', 'secret', `bootstrap-token-${id}`, '-o', 'json'])) as {
      type: string;
      data: Record<string, string>;
    };
    const data = Object.fromEntries(Object.entries(secret.data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));
    expect(secret.type).toBe('bootstrap.kubernetes.io/token');
    expect(data).toMatchObject({
      'token-id': id,
      'usage-bootstrap-authentication': 'true',
      'usage-bootstrap-signing': 'true',
      'auth-extra-groups': 'system:bootstrappers:kubeadm:default-node-token',
      expiration: answer.expiration,
    });
    // The tenant's bootstrap signer signs cluster-info for the token: what kubeadm's discovery checks.
    await expect
      .poll(async () => Object.keys((JSON.parse(await tenantKubectl(admin, ['-n', 'kube-public', 'get', 'configmap', 'cluster-info', '-o', 'json'])) as { data: Record<string, string> }).data), {
        timeout: 120_000,
        interval: 2_000,
      })
      .toContain(`jws-kubeconfig-${id}`);
    // The token authenticates as a bootstrapper.
    const bootstrap = saveKubeconfig('bootstrap.kubeconfig', stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 't', cluster: { server: `https://${answer.endpoint}`, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
      users: [{ name: 'b', user: { token: answer.token } }],
      contexts: [{ name: 'c', context: { cluster: 't', user: 'b' } }],
      'current-context': 'c',
    }));
    const groups = await tenantKubectl(bootstrap, ['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.groups}']);
    expect(groups).toContain('system:bootstrappers:kubeadm:default-node-token');
  });

  it('answers GET on join with everything but a token', async () => {
    await waitReady();
    const answer = JSON.parse((await kubectl(['get', '--raw', `${path}/join`])).stdout) as Join;
    expect(answer.token).toBeUndefined();
    expect(answer.endpoint).toBe(`${NODE_IP}:${port}`);
    expect(answer.caCertHashes[0]).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(answer.joinCommand).toContain('--token <token>');
    const message = await refusal(kubectl(['create', '--raw', `${path}/join`, '-f', '-'], { input: '{"ttlSeconds": 0}' }));
    expect(message).toContain('ttlSeconds');
  });
});
