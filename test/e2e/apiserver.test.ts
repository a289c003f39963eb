// The aggregated API server through the real management cluster: kube-apiserver's aggregator,
// kubectl, RBAC through SubjectAccessReview, the namespace controller, and replica restarts
// under a running watch. Runs against the cluster hack/cluster-up.sh brings up and into which it
// deploys deploy/apiservice.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { KubeConfig, Watch } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KUBECONFIG, CLUSTER_DIR, clusterIsUp, kubectl, newNamespace, type TestNamespace } from './support/index.ts';

const APISERVICE = 'v1alpha1.tenancy.kamaji.io';

async function apiServiceExists(): Promise<boolean> {
  try {
    await kubectl(['get', 'apiservice', APISERVICE]);
    return true;
  } catch {
    return false;
  }
}

// The e2e global setup brings the cluster up; if that was impossible here, say so instead of
// passing silently.
const clusterAvailable = (await clusterIsUp()) && (await apiServiceExists());
if (!clusterAvailable) {
  console.warn(
    `e2e apiserver: SKIPPED — the management cluster is not up or has no APIService ${APISERVICE} (run \`npm run cluster:up\`)`,
  );
}

function manifest(name: string, namespace: string, replicas = 2): string {
  return `apiVersion: tenancy.kamaji.io/v1alpha1
kind: TenantControlPlane
metadata:
  name: ${name}
  namespace: ${namespace}
  labels:
    app: e2e
spec:
  controlPlane:
    deployment:
      replicas: ${replicas}
    service:
      serviceType: ClusterIP
  kubernetes:
    version: v1.33.0
    kubelet:
      cgroupfs: systemd
`;
}

/** kubectl with its exit code, for commands where a non-zero code is an answer (diff, denied requests). */
function kubectlStatus(args: string[], input = '', env: Record<string, string> = {}) {
  const result = spawnSync('kubectl', ['--kubeconfig', ADMIN_KUBECONFIG, ...args], {
    input,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function jsonOf(args: string[]) {
  return JSON.parse((await kubectl([...args, '-o', 'json'])).stdout);
}

describe.skipIf(!clusterAvailable)('tenancy.kamaji.io through kube-apiserver', () => {
  let ns: TestNamespace;
  beforeAll(async () => {
    ns = await newNamespace('e2e-api');
  });
  afterAll(() => ns?.delete());

  it('is registered and Available', async () => {
    const { stdout } = await kubectl(['get', 'apiservice', APISERVICE, '-o', 'jsonpath={.status.conditions[?(@.type=="Available")].status}']);
    expect(stdout).toBe('True');
  });

  it('is fresh in kube-apiserver\'s aggregated discovery, subresources with kinds', async () => {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(ADMIN_KUBECONFIG);
    const options: https.RequestOptions = {};
    await kubeConfig.applyToHTTPSOptions(options);
    const server = new URL(kubeConfig.getCurrentCluster()!.server);
    const body = await new Promise<string>((resolve, reject) => {
      const req = https.request(
        {
          ...options,
          host: server.hostname,
          port: server.port,
          path: '/apis',
          headers: { ...options.headers, Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve(text));
        },
      );
      req.on('error', reject);
      req.end();
    });
    const group = JSON.parse(body).items.find((item: { metadata: { name: string } }) => item.metadata.name === 'tenancy.kamaji.io');
    expect(group.versions[0]).toMatchObject({ version: 'v1alpha1', freshness: 'Current' });
    const tcp = group.versions[0].resources.find((r: { resource: string }) => r.resource === 'tenantcontrolplanes');
    expect(tcp).toMatchObject({ scope: 'Namespaced', shortNames: ['tcp'], responseKind: { kind: 'TenantControlPlane' } });
    expect(tcp.subresources).toContainEqual(expect.objectContaining({ subresource: 'status', verbs: ['get', 'patch', 'update'] }));
  });

  it('lists its resources in kubectl api-resources and explains them', async () => {
    const { stdout } = await kubectl(['api-resources', '--api-group=tenancy.kamaji.io', '--no-headers']);
    const rows = stdout.trim().split('\n').map((line) => line.trim().split(/\s+/));
    expect(rows).toContainEqual(['tenantcontrolplanes', 'tcp', 'tenancy.kamaji.io/v1alpha1', 'true', 'TenantControlPlane']);
    expect(rows).toContainEqual(['datastores', 'tenancy.kamaji.io/v1alpha1', 'false', 'DataStore']);
    const explain = (await kubectl(['explain', 'tcp.spec'])).stdout;
    expect(explain).toMatch(/KIND:\s+TenantControlPlane/);
    expect(explain).toMatch(/FIELD:\s+spec <Object>/);
    expect(explain).toContain('kubernetes');
  });

  it('applies client-side twice (second unchanged), server-side, and diffs', async () => {
    const first = await kubectl(['apply', '-f', '-'], { input: manifest('applied', ns.name) });
    expect(first.stdout.trim()).toBe('tenantcontrolplane.tenancy.kamaji.io/applied created');
    const second = await kubectl(['apply', '-f', '-'], { input: manifest('applied', ns.name) });
    expect(second.stdout.trim()).toBe('tenantcontrolplane.tenancy.kamaji.io/applied unchanged');

    const ssa = await kubectl(['apply', '--server-side', '-f', '-'], { input: manifest('ssa', ns.name) });
    expect(ssa.stdout.trim()).toBe('tenantcontrolplane.tenancy.kamaji.io/ssa serverside-applied');
    const managed = await jsonOf(['get', 'tcp', 'ssa', '-n', ns.name, '--show-managed-fields']);
    expect(managed.metadata.managedFields).toContainEqual(expect.objectContaining({ manager: 'kubectl', operation: 'Apply' }));

    const same = kubectlStatus(['diff', '-f', '-'], manifest('applied', ns.name));
    expect(same.code).toBe(0);
    const changed = kubectlStatus(['diff', '-f', '-'], manifest('applied', ns.name, 3));
    expect(changed.code).toBe(1);
    expect(changed.stdout).toMatch(/^-\s+replicas: 2$/m);
    expect(changed.stdout).toMatch(/^\+\s+replicas: 3$/m);
    // diff is a server-side dry run: nothing changed.
    expect((await jsonOf(['get', 'tcp', 'applied', '-n', ns.name])).spec.controlPlane.deployment.replicas).toBe(2);
  });

  it('edits through $EDITOR and patches with each patch type (strategic merge refused)', async () => {
    await kubectl(['apply', '-f', '-'], { input: manifest('edited', ns.name) });
    const edit = await kubectl(['edit', 'tcp', 'edited', '-n', ns.name], { env: { EDITOR: "sed -i 's/replicas: 2/replicas: 4/'" } });
    expect(edit.stdout.trim()).toBe('tenantcontrolplane.tenancy.kamaji.io/edited edited');
    expect((await jsonOf(['get', 'tcp', 'edited', '-n', ns.name])).spec.controlPlane.deployment.replicas).toBe(4);

    await kubectl(['patch', 'tcp', 'edited', '-n', ns.name, '--type=json', '-p', '[{"op":"replace","path":"/spec/controlPlane/deployment/replicas","value":1}]']);
    await kubectl(['patch', 'tcp', 'edited', '-n', ns.name, '--type=merge', '-p', '{"metadata":{"labels":{"patched":"merge"}}}']);
    const patched = await jsonOf(['get', 'tcp', 'edited', '-n', ns.name]);
    expect(patched.spec.controlPlane.deployment.replicas).toBe(1);
    expect(patched.metadata.labels.patched).toBe('merge');
    const strategic = kubectlStatus(['patch', 'tcp', 'edited', '-n', ns.name, '--type=strategic', '-p', '{"metadata":{"labels":{"x":"y"}}}']);
    expect(strategic.code).not.toBe(0);
    expect(strategic.stderr).toContain('application/strategic-merge-patch+json is not supported');
  });

  it('prints tables across namespaces, wide', async () => {
    await kubectl(['apply', '-f', '-'], { input: manifest('listed', ns.name) });
    const { stdout } = await kubectl(['get', 'tcp', '-A', '-o', 'wide']);
    const [header, ...rows] = stdout.trim().split('\n');
    expect(header).toMatch(/^NAMESPACE\s+NAME\s+VERSION\s/);
    expect(header).toContain('AGE');
    expect(rows.some((row) => row.startsWith(ns.name) && row.includes('listed') && row.includes('v1.33.0'))).toBe(true);
    const status = (await kubectl(['get', 'tcp', 'listed', '-n', ns.name, '--subresource=status'])).stdout;
    expect(status.split('\n')[1]).toMatch(/^listed\s+v1\.33\.0\s/);
  });

  it('streams changes to kubectl get -w', async () => {
    await kubectl(['apply', '-f', '-'], { input: manifest('watched', ns.name) });
    const child = spawn('kubectl', ['--kubeconfig', ADMIN_KUBECONFIG, 'get', 'tcp', 'watched', '-n', ns.name, '-w', '--output-watch-events', '--no-headers']);
    const lines: string[] = [];
    let buffer = '';
    const seen = (count: number) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`kubectl get -w printed only: ${lines.join(' | ')}`)), 60_000);
        const check = () => {
          if (lines.length >= count) {
            clearTimeout(timer);
            resolve();
          } else setTimeout(check, 100);
        };
        check();
      });
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const parts = buffer.split('\n');
      buffer = parts.pop()!;
      lines.push(...parts.filter((line) => line.trim() !== ''));
    });
    try {
      await seen(1);
      await kubectl(['label', 'tcp', 'watched', '-n', ns.name, 'round=2']);
      await seen(2);
      expect(lines[0]).toMatch(/^ADDED\s+watched\s/);
      expect(lines[1]).toMatch(/^MODIFIED\s+watched\s/);
    } finally {
      child.kill();
    }
  });

  it('waits for the Ready condition that the status subresource sets', async () => {
    await kubectl(['apply', '-f', '-'], { input: manifest('ready', ns.name) });
    const generation = (await jsonOf(['get', 'tcp', 'ready', '-n', ns.name])).metadata.generation;
    const waiting = kubectl(['wait', '--for=condition=Ready', 'tcp/ready', '-n', ns.name, '--timeout=90s'], { timeoutMs: 100_000 });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const status = {
      status: {
        observedGeneration: generation,
        conditions: [
          { type: 'Ready', status: 'True', reason: 'E2E', message: 'set by the test', lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), observedGeneration: generation },
        ],
      },
    };
    await kubectl(['patch', 'tcp', 'ready', '-n', ns.name, '--subresource=status', '--type=merge', '-p', JSON.stringify(status)]);
    const { stdout } = await waiting;
    expect(stdout.trim()).toBe('tenantcontrolplane.tenancy.kamaji.io/ready condition met');
  });

  it('deletes and returns once the object is gone', async () => {
    await kubectl(['apply', '-f', '-'], { input: manifest('deleted', ns.name) });
    const { stdout } = await kubectl(['delete', 'tcp', 'deleted', '-n', ns.name, '--timeout=60s']);
    expect(stdout.trim()).toBe('tenantcontrolplane.tenancy.kamaji.io "deleted" deleted');
    const after = kubectlStatus(['get', 'tcp', 'deleted', '-n', ns.name]);
    expect(after.stderr).toContain('Error from server (NotFound): tenantcontrolplanes.tenancy.kamaji.io "deleted" not found');
  });

  it('lets the namespace controller empty and delete a namespace that holds tcps', async () => {
    const doomed = await newNamespace('e2e-doomed');
    await kubectl(['apply', '-f', '-'], { input: manifest('a', doomed.name) + '---\n' + manifest('b', doomed.name) });
    await kubectl(['delete', 'namespace', doomed.name, '--timeout=120s'], { timeoutMs: 130_000 });
    const gone = kubectlStatus(['get', 'namespace', doomed.name]);
    expect(gone.code).not.toBe(0);
    expect((await kubectl(['get', 'tcp', '-A', '--no-headers'])).stdout).not.toContain(doomed.name);
  });
});

describe.skipIf(!clusterAvailable)('RBAC through SubjectAccessReview', () => {
  let t1: TestNamespace;
  let t2: TestNamespace;
  const user = `alice-${Date.now()}`;
  const as = (args: string[]) => [...args, `--as=${user}`];

  beforeAll(async () => {
    t1 = await newNamespace('e2e-t1');
    t2 = await newNamespace('e2e-t2');
    await kubectl(['create', 'rolebinding', 'alice-admin', '-n', t1.name, '--clusterrole=admin', `--user=${user}`]);
    await kubectl(['apply', '-f', '-'], { input: manifest('other', t2.name) });
  });
  afterAll(async () => {
    await t1?.delete();
    await t2?.delete();
  });

  it('lets a namespace admin manage tcps in that namespace', async () => {
    expect((await kubectl(as(['apply', '-f', '-']), { input: manifest('mine', t1.name) })).stdout.trim()).toBe(
      'tenantcontrolplane.tenancy.kamaji.io/mine created',
    );
    expect((await kubectl(as(['apply', '-f', '-']), { input: manifest('mine', t1.name) })).stdout.trim()).toBe(
      'tenantcontrolplane.tenancy.kamaji.io/mine unchanged',
    );
    await kubectl(as(['apply', '--server-side', '-f', '-']), { input: manifest('mine-ssa', t1.name) });
    await kubectl(as(['patch', 'tcp', 'mine', '-n', t1.name, '--type=merge', '-p', '{"metadata":{"labels":{"by":"alice"}}}']));
    await kubectl(as(['edit', 'tcp', 'mine', '-n', t1.name]), { env: { EDITOR: "sed -i 's/replicas: 2/replicas: 3/'" } });
    expect((await kubectl(as(['get', 'tcp', '-n', t1.name, '-o', 'wide']))).stdout).toContain('mine');
    expect(kubectlStatus(as(['diff', '-f', '-']), manifest('mine', t1.name, 5)).code).toBe(1);
    await kubectl(as(['delete', 'tcp', 'mine-ssa', '-n', t1.name, '--timeout=60s']));
    expect((await kubectl(as(['auth', 'can-i', 'get', 'tenantcontrolplanes/kubeconfig', '-n', t1.name]))).stdout.trim()).toBe('yes');
  });

  it('answers 403 in another namespace and at cluster scope, with the standard message', async () => {
    const otherNamespace = kubectlStatus(as(['get', 'tcp', '-n', t2.name]));
    expect(otherNamespace.code).not.toBe(0);
    expect(otherNamespace.stderr).toContain(
      `Error from server (Forbidden): tenantcontrolplanes.tenancy.kamaji.io is forbidden: User "${user}" cannot list resource "tenantcontrolplanes" in API group "tenancy.kamaji.io" in the namespace "${t2.name}"`,
    );
    const single = kubectlStatus(as(['get', 'tcp', 'other', '-n', t2.name]));
    expect(single.stderr).toContain(
      `tenantcontrolplanes.tenancy.kamaji.io "other" is forbidden: User "${user}" cannot get resource "tenantcontrolplanes" in API group "tenancy.kamaji.io" in the namespace "${t2.name}"`,
    );
    const write = kubectlStatus(as(['apply', '-f', '-']), manifest('intruder', t2.name));
    expect(write.code).not.toBe(0);
    expect(write.stderr).toContain('forbidden');
    const cluster = kubectlStatus(as(['get', 'tcp', '-A']));
    expect(cluster.stderr).toContain(
      `tenantcontrolplanes.tenancy.kamaji.io is forbidden: User "${user}" cannot list resource "tenantcontrolplanes" in API group "tenancy.kamaji.io" at the cluster scope`,
    );
    const datastores = kubectlStatus(as(['get', 'datastores']));
    expect(datastores.stderr).toContain('at the cluster scope');
  });
});

describe.skipIf(!clusterAvailable)('replica restarts under a running watch', () => {
  let ns: TestNamespace;
  beforeAll(async () => {
    ns = await newNamespace('e2e-ha');
  });
  afterAll(() => ns?.delete());

  it('lets a resuming watcher see every event while each replica is killed and replaced', async () => {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(ADMIN_KUBECONFIG);
    const watcher = new Watch(kubeConfig);
    const path = `/apis/tenancy.kamaji.io/v1alpha1/namespaces/${ns.name}/tenantcontrolplanes`;
    const added = new Set<string>();
    const errors: string[] = [];
    let resourceVersion = (await jsonOf(['get', 'tcp', '-n', ns.name])).metadata.resourceVersion as string;
    let reconnects = 0;
    let stopped = false;
    let abort: AbortController | undefined;

    // What a reflector does: on a closed watch, resume from the last resourceVersion seen.
    const connect = async (): Promise<void> => {
      if (stopped) return;
      try {
        abort = await watcher.watch(
          path,
          { resourceVersion, allowWatchBookmarks: true },
          (type, object: { metadata?: { name?: string; resourceVersion?: string }; code?: number; message?: string }) => {
            if (type === 'ERROR') {
              errors.push(`${object.code}: ${object.message}`);
              return;
            }
            if (object.metadata?.resourceVersion) resourceVersion = object.metadata.resourceVersion;
            if (type === 'ADDED' && object.metadata?.name) added.add(object.metadata.name);
          },
          () => {
            if (stopped) return;
            reconnects++;
            setTimeout(() => void connect(), 500);
          },
        );
      } catch {
        if (!stopped) setTimeout(() => void connect(), 1000);
      }
    };
    await connect();

    const created: string[] = [];
    const createSome = async (prefix: string, count: number) => {
      for (let i = 0; i < count; i++) {
        const name = `${prefix}-${i}`;
        // Requests may hit the replica that is going away: retry as any client would.
        for (let attempt = 0; ; attempt++) {
          try {
            await kubectl(['apply', '-f', '-'], { input: manifest(name, ns.name) });
            break;
          } catch (error) {
            if (attempt >= 10) throw error;
            await new Promise((resolve) => setTimeout(resolve, 1000));
          }
        }
        created.push(name);
      }
    };

    try {
      await createSome('before', 3);
      await kubectl(['rollout', 'status', 'deployment/tenancy-apiserver', '-n', 'kamaji-system', '--timeout=180s'], { timeoutMs: 190_000 });
      // Replicas of an earlier rollout may still be shutting down: only the serving ones count.
      const pods = (await jsonOf(['get', 'pods', '-n', 'kamaji-system', '-l', 'app.kubernetes.io/name=tenancy-apiserver'])).items
        .filter((pod: { metadata: { deletionTimestamp?: string } }) => !pod.metadata.deletionTimestamp)
        .map((pod: { metadata: { name: string } }) => pod.metadata.name) as string[];
      expect(pods.length).toBe(2);
      for (const [index, pod] of pods.entries()) {
        const deleting = kubectl(['delete', 'pod', pod, '-n', 'kamaji-system', '--timeout=120s'], { timeoutMs: 130_000 });
        await createSome(`during-${index}`, 3);
        await deleting;
        await kubectl(['rollout', 'status', 'deployment/tenancy-apiserver', '-n', 'kamaji-system', '--timeout=180s'], { timeoutMs: 190_000 });
        await kubectl(['wait', '--for=condition=Available', `apiservice/${APISERVICE}`, '--timeout=120s'], { timeoutMs: 130_000 });
        await createSome(`after-${index}`, 2);
      }
      const deadline = Date.now() + 60_000;
      while (created.some((name) => !added.has(name)) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      expect(created.filter((name) => !added.has(name))).toEqual([]);
      expect(errors).toEqual([]);
      expect(reconnects).toBeGreaterThan(0);
    } finally {
      stopped = true;
      abort?.abort();
    }
  });
});

/** A request straight to one replica's pod IP (the host routes to pods), as a Prometheus scrape would. */
function direct(podIP: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: podIP,
        port: 8443,
        path,
        headers,
        ca: readFileSync(join(CLUSTER_DIR, 'serving', 'ca.crt')),
        servername: 'tenancy-apiserver.kamaji-system.svc',
        agent: false,
        timeout: 15_000,
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe.skipIf(!clusterAvailable)('direct callers: serving certificate, TokenReview and non-resource authorization', () => {
  let ns: TestNamespace;
  let podIP: string;
  beforeAll(async () => {
    ns = await newNamespace('e2e-scrape');
    const pods = await jsonOf(['get', 'pods', '-n', 'kamaji-system', '-l', 'app.kubernetes.io/name=tenancy-apiserver']);
    podIP = pods.items.find((pod: { status: { podIP?: string } }) => pod.status.podIP).status.podIP;
  });
  afterAll(async () => {
    await kubectl(['delete', 'clusterrolebinding', `${ns?.name}-scraper`, '--ignore-not-found']);
    await ns?.delete();
  });

  it('serves a certificate valid for tenancy-apiserver.kamaji-system.svc and answers probes anonymously', async () => {
    const ready = await direct(podIP, '/readyz');
    expect(ready).toEqual({ status: 200, text: 'ok' });
  });

  it('authenticates a ServiceAccount token through TokenReview and authorizes /metrics through SubjectAccessReview', async () => {
    await kubectl(['create', 'serviceaccount', 'scraper', '-n', ns.name]);
    const token = (await kubectl(['create', 'token', 'scraper', '-n', ns.name])).stdout.trim();
    const user = `system:serviceaccount:${ns.name}:scraper`;

    const denied = await direct(podIP, '/metrics', { Authorization: `Bearer ${token}` });
    expect(denied.status).toBe(403);
    expect(JSON.parse(denied.text).message).toBe(`forbidden: User "${user}" cannot get path "/metrics"`);

    const anonymous = await direct(podIP, '/metrics');
    expect(anonymous.status).toBe(403);
    expect(JSON.parse(anonymous.text).message).toBe('forbidden: User "system:anonymous" cannot get path "/metrics"');

    const bogus = await direct(podIP, '/metrics', { Authorization: 'Bearer not-a-token' });
    expect(bogus.status).toBe(401);
    expect(JSON.parse(bogus.text)).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });

    await kubectl(['create', 'clusterrolebinding', `${ns.name}-scraper`, '--clusterrole=system:monitoring', `--serviceaccount=${ns.name}:scraper`]);
    // The deny above is cached for 10 s, as kube-apiserver's webhook authorizer caches it.
    let allowed = await direct(podIP, '/metrics', { Authorization: `Bearer ${token}` });
    for (let attempt = 0; allowed.status !== 200 && attempt < 30; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      allowed = await direct(podIP, '/metrics', { Authorization: `Bearer ${token}` });
    }
    expect(allowed.status).toBe(200);
    expect(allowed.text).toContain('apiserver_request_total{');
    expect(allowed.text).toMatch(/apiserver_delegated_authn_request_total\{code="201"\} [1-9]/);
    expect(allowed.text).toMatch(/apiserver_delegated_authz_request_total\{code="201"\} [1-9]/);
    expect(allowed.text).toMatch(/storage_request_duration_seconds_count\{operation="[a-zA-Z]+",result="ok"\} [1-9]/);
  });
});

describe.skipIf(!clusterAvailable)('the scale subresource through kube-apiserver', () => {
  let ns: TestNamespace;
  beforeAll(async () => {
    ns = await newNamespace('e2e-scale');
  });
  afterAll(() => ns?.delete());

  it('kubectl scale, get --raw, get and patch --subresource=scale', async () => {
    await kubectl(['apply', '-f', '-'], { input: manifest('scaled', ns.name, 2) });
    const created = await jsonOf(['get', 'tcp', 'scaled', '-n', ns.name]);

    const scaled = await kubectl(['scale', 'tcp', 'scaled', '-n', ns.name, '--replicas=3']);
    expect(scaled.stdout.trim()).toBe('tenantcontrolplane.tenancy.kamaji.io/scaled scaled');
    const after = await jsonOf(['get', 'tcp', 'scaled', '-n', ns.name, '--show-managed-fields']);
    expect(after.spec.controlPlane.deployment.replicas).toBe(3);
    expect(after.metadata.generation).toBe(created.metadata.generation + 1);
    expect(after.metadata.managedFields).toContainEqual(
      expect.objectContaining({ manager: 'kubectl', operation: 'Update', subresource: 'scale', apiVersion: 'tenancy.kamaji.io/v1alpha1' }),
    );

    const raw = JSON.parse((await kubectl(['get', '--raw', `/apis/tenancy.kamaji.io/v1alpha1/namespaces/${ns.name}/tenantcontrolplanes/scaled/scale`])).stdout);
    expect(raw).toMatchObject({
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: { name: 'scaled', namespace: ns.name, uid: created.metadata.uid, creationTimestamp: created.metadata.creationTimestamp },
      spec: { replicas: 3 },
    });
    expect(raw.status.replicas).toBeTypeOf('number');

    // --current-replicas makes kubectl read the Scale and write it back with PUT, resourceVersion included.
    const conditional = await kubectl(['scale', 'tcp', 'scaled', '-n', ns.name, '--current-replicas=3', '--replicas=1']);
    expect(conditional.stdout.trim()).toBe('tenantcontrolplane.tenancy.kamaji.io/scaled scaled');
    const refused = kubectlStatus(['scale', 'tcp', 'scaled', '-n', ns.name, '--current-replicas=3', '--replicas=2']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('Expected replicas to be 3, was 1');

    const table = (await kubectl(['get', 'tcp', 'scaled', '-n', ns.name, '--subresource=scale'])).stdout;
    expect(table.split('\n')[1]).toMatch(/^scaled\s/);
    await kubectl(['patch', 'tcp', 'scaled', '-n', ns.name, '--subresource=scale', '--type=merge', '-p', '{"spec":{"replicas":2}}']);
    expect((await jsonOf(['get', 'tcp', 'scaled', '-n', ns.name, '--subresource=scale'])).spec.replicas).toBe(2);
    expect((await jsonOf(['get', 'tcp', 'scaled', '-n', ns.name])).spec.controlPlane.deployment.replicas).toBe(2);
  });
});
