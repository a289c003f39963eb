// Figure 5: control planes. Generating one tenant's certificates and kubeconfigs with the
// controllers' own generators against kubeadm's phases (the code the original Kamaji calls for the
// same job); one replica's controllers bringing N tenant control planes to their steady state with
// no pods (replicas 0), its time and memory; and the time from create to Ready for each datastore
// driver. The original Kamaji operator is not built on this machine, so its figures appear as the
// numbers it publishes, marked as claimed.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { applySchemaDefaults, tenantControlPlaneDeclaration, type TenantControlPlane } from '../../src/apis/index.ts';
import {
  apiServerCertificateSpec,
  apiServerKubeletClientSpec,
  caSpec,
  frontProxyCASpec,
  frontProxyClientSpec,
  keyPair,
  konnectivityCertificateSpec,
  serviceAccountSpec,
} from '../../src/controllers/tenantcontrolplane/certificates.ts';
import {
  adminKubeconfigSpec,
  controllerManagerKubeconfigSpec,
  konnectivityKubeconfigSpec,
  schedulerKubeconfigSpec,
} from '../../src/controllers/tenantcontrolplane/kubeconfigs.ts';
import { ensureNamespace } from '../lib/api-sides.ts';
import { kubectl } from '../../test/e2e/support/cluster.ts';
import { BIN_DIR } from '../lib/cluster.ts';
import { requireCluster, type BenchContext } from '../lib/context.ts';
import { claimed, figure, measured, notMeasured } from '../lib/figures.ts';
import { benchControlPlane, benchDataStore, randomNodePort, type Driver } from '../lib/tenant-objects.ts';

const SECTION = '5 control planes';
const KUBEADM = join(BIN_DIR, 'kubeadm');
const RUNNER = join(import.meta.dirname, '../lib/control-plane-runner.ts');
const MIB = 1024 * 1024;
const ORIGINAL = 'the original Kamaji (its published figure, as quoted in issue 6)';
const NO_OPERATOR = 'the original Kamaji operator is not built on this machine';

/** The one TenantControlPlane the certificate figures are made for, defaulted as the registry defaults it. */
function sampleTenantControlPlane(): TenantControlPlane {
  const tcp = {
    apiVersion: 'tenancy.kamaji.io/v1alpha1',
    kind: 'TenantControlPlane',
    metadata: { name: 'bench', namespace: 'bench', uid: '00000000-0000-0000-0000-000000000000', creationTimestamp: new Date().toISOString() },
    spec: {
      controlPlane: { deployment: { replicas: 1 }, service: { serviceType: 'ClusterIP' } },
      kubernetes: { version: 'v1.33.0', kubelet: {} },
      networkProfile: { address: '10.0.0.10', port: 6443 },
      addons: { konnectivity: {} },
    },
  };
  const defaulted = applySchemaDefaults(tenantControlPlaneDeclaration.schema, tcp) as unknown as TenantControlPlane;
  tenantControlPlaneDeclaration.defaultOnCreate(defaulted, {});
  return defaulted;
}

/**
 * Every certificate, key and kubeconfig a tenant gets, generated as the controller generates them,
 * by the controller's own specs, each tier's keys side by side: the CA, front-proxy CA and
 * service-account keys; then the API server, kubelet client, front-proxy client and konnectivity
 * certificates and the admin (admin and super-admin, external and in-cluster), controller-manager
 * and scheduler kubeconfigs; then the konnectivity kubeconfig.
 */
export async function generateTenantCredentials(tcp: TenantControlPlane): Promise<number> {
  const endpoint = { host: '10.0.0.10', port: 6443 };
  const [ca, frontProxyCA, serviceAccount] = await Promise.all([caSpec().generate(), frontProxyCASpec().generate(), serviceAccountSpec().generate()]);
  const caPair = keyPair(ca, 'ca.crt', 'ca.key');
  const [konnectivity, ...leaves] = await Promise.all([
    konnectivityCertificateSpec(caPair).generate(),
    apiServerCertificateSpec(tcp, caPair, endpoint, '10.96.0.10').generate(),
    apiServerKubeletClientSpec(caPair).generate(),
    frontProxyClientSpec(keyPair(frontProxyCA, 'front-proxy-ca.crt', 'front-proxy-ca.key')).generate(),
    adminKubeconfigSpec(tcp, caPair, endpoint).generate(),
    controllerManagerKubeconfigSpec(tcp, caPair).generate(),
    schedulerKubeconfigSpec(tcp, caPair).generate(),
  ]);
  const konnectivityKubeconfig = await konnectivityKubeconfigSpec(tcp, caPair, keyPair(konnectivity, 'tls.crt', 'tls.key')).generate();
  const outputs = [ca, frontProxyCA, serviceAccount, konnectivity, ...leaves, konnectivityKubeconfig];
  return outputs.reduce((files, output) => files + Object.keys(output).length, 0);
}

const KUBEADM_CONFIG = (dir: string) => `apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint: {advertiseAddress: 10.0.0.10, bindPort: 6443}
nodeRegistration: {name: bench-tenant}
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.33.0
certificatesDir: ${dir}/pki
controlPlaneEndpoint: 10.0.0.10:6443
networking: {serviceSubnet: 10.96.0.0/16, podSubnet: 10.244.0.0/16, dnsDomain: cluster.local}
`;
const KUBEADM_CERTS = ['ca', 'apiserver', 'apiserver-kubelet-client', 'front-proxy-ca', 'front-proxy-client', 'sa'];
const KUBEADM_KUBECONFIGS = ['admin', 'super-admin', 'controller-manager', 'scheduler'];

/** kubeadm's phases for the same set (it has no konnectivity phase), one process per phase. */
function kubeadmCredentials(): void {
  const dir = mkdtempSync(join(tmpdir(), 'kamaji-bench-kubeadm-'));
  try {
    writeFileSync(join(dir, 'kubeadm.yaml'), KUBEADM_CONFIG(dir));
    for (const phase of KUBEADM_CERTS) execFileSync(KUBEADM, ['init', 'phase', 'certs', phase, '--config', join(dir, 'kubeadm.yaml')], { stdio: 'ignore' });
    for (const phase of KUBEADM_KUBECONFIGS) {
      execFileSync(KUBEADM, ['init', 'phase', 'kubeconfig', phase, '--config', join(dir, 'kubeadm.yaml'), '--kubeconfig-dir', dir], { stdio: 'ignore' });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function timeRepeated(samples: number, work: () => void): number[] {
  return Array.from({ length: samples }, () => {
    const started = performance.now();
    work();
    return performance.now() - started;
  });
}

async function timeRepeatedAsync(samples: number, work: () => Promise<void>): Promise<number[]> {
  const durations: number[] = [];
  for (let sample = 0; sample < samples; sample++) {
    const started = performance.now();
    await work();
    durations.push(performance.now() - started);
  }
  return durations;
}

async function certificates(ctx: BenchContext): Promise<void> {
  const samples = ctx.quick ? 5 : 20;
  const tcp = sampleTenantControlPlane();
  ctx.progress(`control planes: certificates and kubeconfigs of one tcp, ${samples} samples`);
  let files = 0;
  const ours = await timeRepeatedAsync(samples, async () => {
    files = await generateTenantCredentials(tcp);
  });
  let peer;
  let note = `Kamaji-TS writes ${files} files (11 RSA-2048 keys, generated off the event loop, several at once) in one process; kubeadm ${KUBEADM_CERTS.length} cert and ${KUBEADM_KUBECONFIGS.length} kubeconfig phases (10 RSA-2048 keys, no konnectivity, no in-cluster kubeconfigs)`;
  try {
    const startup = timeRepeated(samples, () => execFileSync(KUBEADM, ['version', '-o', 'short'], { stdio: 'ignore' }));
    peer = measured(timeRepeated(samples, kubeadmCredentials));
    const median = [...startup].sort((a, b) => a - b)[Math.floor(startup.length / 2)]!;
    note += `; kubeadm starts ${KUBEADM_CERTS.length + KUBEADM_KUBECONFIGS.length} processes, each about ${Math.round(median)} ms to start (kubeadm version)`;
  } catch (error) {
    peer = notMeasured(`kubeadm failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  ctx.add(figure({ section: SECTION, name: "one tcp's certificates and kubeconfigs", unit: 'ms', better: 'lower', kamajiTs: measured(ours), peer, peerLabel: 'kubeadm init phase certs/kubeconfig', note }));
}

interface RunnerResult {
  seconds: number;
  baselineRss: number;
  warmRss: number;
  steadyRss: number;
  peakRss: number;
  cpuSeconds: number;
}

function runRunner(ctx: BenchContext, args: string[]): Promise<RunnerResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--no-deprecation', RUNNER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let result: RunnerResult | undefined;
    let lastError = '';
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('{')) result = JSON.parse(line) as RunnerResult;
    });
    createInterface({ input: child.stderr }).on('line', (line) => {
      if (line.startsWith('{')) return; // controller log lines
      lastError = line;
      ctx.progress(`control planes: ${line}`);
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 && result ? resolve(result) : reject(new Error(lastError || `control-plane-runner exited with ${code}`))));
  });
}

async function inNamespace<T>(ctx: BenchContext, name: string, work: (namespace: string) => Promise<T>): Promise<T> {
  const { cluster } = requireCluster(ctx);
  const namespace = `bench-${name}-${ctx.runId}`;
  await ensureNamespace(cluster.admin, namespace);
  try {
    return await work(namespace);
  } finally {
    await cluster.admin.request(`/api/v1/namespaces/${namespace}`, { method: 'DELETE' }).catch(() => undefined);
  }
}

async function steadyState(ctx: BenchContext): Promise<void> {
  for (const count of ctx.quick ? [10] : [100, 1000]) {
    ctx.progress(`control planes: one replica's controllers bring ${count} tcps (replicas 0, objects only) to their steady state`);
    try {
      const result = await inNamespace(ctx, `steady${count}`, (namespace) => runRunner(ctx, ['steady', `--count=${count}`, `--namespace=${namespace}`]));
      const perTcp = (result.steadyRss - result.warmRss) / count / MIB;
      const note = `RSS ${Math.round(result.baselineRss / MIB)} MiB with controllers idle, ${Math.round(result.warmRss / MIB)} MiB after one tcp, ${Math.round(result.steadyRss / MIB)} MiB with ${count + 1}, peak ${Math.round(result.peakRss / MIB)} MiB; ${result.cpuSeconds.toFixed(1)} CPU s`;
      ctx.add(figure({ section: SECTION, name: `${count} tcps to steady state, one replica (objects only)`, unit: 's', better: 'lower', kamajiTs: measured([result.seconds]), peer: notMeasured(NO_OPERATOR), peerLabel: 'Kamaji operator', note }));
      ctx.add(figure({ section: SECTION, name: `memory per managed tcp (${count} tcps)`, unit: 'MiB', better: 'lower', kamajiTs: measured([perTcp]), peer: claimed(6, ORIGINAL), peerLabel: 'Kamaji operator', note }));
      ctx.add(figure({ section: SECTION, name: `controller process RSS with ${count} tcps at steady state`, unit: 'MiB', better: 'lower', kamajiTs: measured([result.steadyRss / MIB]), peer: notMeasured(NO_OPERATOR), peerLabel: 'Kamaji operator', note }));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      ctx.add(figure({ section: SECTION, name: `${count} tcps to steady state, one replica (objects only)`, unit: 's', better: 'lower', kamajiTs: notMeasured(reason), peer: notMeasured(NO_OPERATOR), peerLabel: 'Kamaji operator' }));
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Conditioned {
  status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}

/** Polls an object through the API until `done` says yes; progress shows each new Ready reason. */
async function pollUntil(ctx: BenchContext, path: string, timeoutMs: number, done: (object: Conditioned) => boolean): Promise<void> {
  const { cluster } = requireCluster(ctx);
  const deadline = Date.now() + timeoutMs;
  let said = '';
  for (;;) {
    const object = await cluster.admin.json<Conditioned>(path).catch(() => undefined);
    const ready = object?.status?.conditions?.find((c) => c.type === 'Ready');
    const state = ready ? `${ready.reason ?? ''}: ${ready.message ?? ''}` : 'no Ready condition yet';
    if (state !== said) ctx.progress(`control planes: ${(said = state)}`);
    if (object && done(object)) return;
    if (Date.now() > deadline) throw new Error(`not Ready within ${timeoutMs / 1000} s; last: ${state}`);
    await sleep(250);
  }
}

const isReady = (object: Conditioned) => object.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/** Samples of kubectl apply to Ready per driver; each sample is a fresh tcp in a fresh namespace. */
const READY_SAMPLES = 5;

/**
 * Runs `work` with the DataStore a driver's samples share: etcd uses the DataStore `default` of the
 * quick start; PostgreSQL and MySQL get a throwaway server and a DataStore of their own, removed at
 * the end.
 */
async function withDataStore<T>(ctx: BenchContext, driver: Driver, work: (dataStoreName: string) => Promise<T>): Promise<T> {
  const { cluster } = requireCluster(ctx);
  const root = '/apis/tenancy.kamaji.io/v1alpha1';
  const ownDataStore = driver !== 'etcd';
  const dataStoreName = ownDataStore ? `bench-${driver.toLowerCase()}-${ctx.runId}` : 'default';
  const dataStore = ownDataStore ? await benchDataStore(driver, dataStoreName) : undefined;
  try {
    if (dataStore) {
      await cluster.admin.request(`${root}/datastores`, { method: 'POST', body: JSON.stringify(dataStore.manifest) });
    }
    await pollUntil(ctx, `${root}/datastores/${dataStoreName}`, 60_000, isReady);
    return await work(dataStoreName);
  } finally {
    if (dataStore) {
      await cluster.admin.request(`${root}/datastores/${dataStoreName}`, { method: 'DELETE' }).catch(() => undefined);
      await dataStore.stop();
    }
  }
}

/**
 * `kubectl apply` of one tcp with one replica to the deployed Kamaji-TS, timed until its Ready
 * condition is True: the path users take. The tcp is deleted and waited for before the next sample,
 * so samples do not overlap.
 */
async function applyToReady(ctx: BenchContext, dataStoreName: string, namespace: string): Promise<number> {
  const { cluster } = requireCluster(ctx);
  const path = `/apis/tenancy.kamaji.io/v1alpha1/namespaces/${namespace}/tenantcontrolplanes/ready`;
  try {
    const manifest = benchControlPlane(namespace, 'ready', dataStoreName, 1, randomNodePort());
    const started = performance.now();
    await kubectl(['apply', '-f', '-'], { input: JSON.stringify(manifest) });
    await pollUntil(ctx, path, 300_000, isReady);
    return (performance.now() - started) / 1000;
  } finally {
    await cluster.admin.request(path, { method: 'DELETE' }).catch(() => undefined);
    const gone = Date.now() + 120_000;
    while (Date.now() < gone && (await cluster.admin.request(path).then(() => true, () => false))) await sleep(500);
  }
}

async function timeToReady(ctx: BenchContext): Promise<void> {
  const name = (driver: string) => `kubectl apply to Ready, ${driver} DataStore, one replica`;
  if (ctx.quick) {
    const reason = 'left out of --quick: real pods take minutes to start on a shared machine; npm run bench measures it';
    ctx.add(figure({ section: SECTION, name: name('any'), unit: 's', better: 'lower', kamajiTs: notMeasured(reason), peer: claimed(16, ORIGINAL), peerLabel: 'Kamaji operator' }));
    return;
  }
  for (const driver of ['etcd', 'PostgreSQL', 'MySQL'] as const) {
    try {
      const samples = await withDataStore(ctx, driver, async (dataStoreName) => {
        const seconds: number[] = [];
        for (let sample = 1; sample <= READY_SAMPLES; sample++) {
          ctx.progress(`control planes: kubectl apply to Ready on ${driver}, sample ${sample} of ${READY_SAMPLES} (pods run)`);
          seconds.push(await inNamespace(ctx, `ready-${driver.toLowerCase()}-${sample}`, (namespace) => applyToReady(ctx, dataStoreName, namespace)));
          ctx.progress(`control planes: Ready in ${seconds.at(-1)!.toFixed(1)} s`);
        }
        return seconds;
      });
      ctx.add(figure({ section: SECTION, name: name(driver), unit: 's', better: 'lower', kamajiTs: measured(samples), peer: claimed(16, ORIGINAL), peerLabel: 'Kamaji operator', note: `${READY_SAMPLES} samples, each a new tcp in a new namespace` }));
    } catch (error) {
      ctx.add(figure({ section: SECTION, name: name(driver), unit: 's', better: 'lower', kamajiTs: notMeasured(error instanceof Error ? error.message : String(error)), peer: claimed(16, ORIGINAL), peerLabel: 'Kamaji operator' }));
    }
  }
}

export async function runControlPlanes(ctx: BenchContext): Promise<void> {
  await certificates(ctx);
  // Ready before the long steady-state runs, so a full run stopped early still has it.
  await timeToReady(ctx);
  await steadyState(ctx);
}
