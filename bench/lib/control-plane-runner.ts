// A Kamaji-TS replica's controllers in a process of their own, so its memory is its own: a
// registry over memory storage and startControllers against the real management cluster.
//
//   node bench/lib/control-plane-runner.ts steady --count=N --namespace=NS
//     N TenantControlPlanes with replicas 0 (objects only, no pods) until every one is Sleeping
//     with its generation observed: Service, certificates, kubeconfigs, datastore user, Deployment.
//
// Progress goes to stderr; the one result line (JSON) to stdout. Everything it made is deleted.
import { parseArgs } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import pino from 'pino';
import { allDeclarations } from '../../src/apis/index.ts';
import type { UserInfo } from '../../src/apis/meta.ts';
import { startControllers } from '../../src/controllers/index.ts';
import { Registry } from '../../src/registry/registry.ts';
import { createResourceStore } from '../../src/registry/resource-store.ts';
import type { ResourceStore } from '../../src/registry/store.ts';
import { createStorage } from '../../src/storage/index.ts';
import { ADMIN_KUBECONFIG } from './cluster.ts';
import { readProcessUsage } from './process-usage.ts';
import { benchControlPlane, benchDataStore, type Driver } from './tenant-objects.ts';

const USER: UserInfo = { username: 'kamaji-ts-bench', groups: ['system:masters'] };
const POLL_MS = 250;

const say = (message: string) => process.stderr.write(`${message}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** RSS after a full collection, so what is counted is what is kept. */
async function settledRss(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    await sleep(200);
  }
  return readProcessUsage(process.pid).rssBytes;
}

interface TcpLike {
  metadata: { name: string; generation?: number };
  status?: { observedGeneration?: number; kubernetesResources?: { version?: { status?: string } }; conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}

async function waitUntil<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>, pollMs = POLL_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(pollMs);
  }
}

async function listTcps(store: ResourceStore, namespace: string): Promise<TcpLike[]> {
  return (await store.list({ namespace })).items as unknown as TcpLike[];
}

/** Listing every tcp runs on the controllers' own thread: look less often when there are many. */
const pollFor = (count: number) => Math.max(POLL_MS, count * 2);

/** Until `count` TenantControlPlanes sleep with their generation observed: every step done. */
async function waitSteady(store: ResourceStore, namespace: string, count: number): Promise<void> {
  let last = -1;
  await waitUntil(`${count} TenantControlPlanes to sleep`, Math.max(300_000, count * 3_000), async () => {
    const items = await listTcps(store, namespace);
    const settled = items.filter((t) => t.status?.kubernetesResources?.version?.status === 'Sleeping' && t.status.observedGeneration === t.metadata.generation);
    if (settled.length !== last && (settled.length % Math.max(1, Math.floor(count / 10)) === 0 || settled.length === count)) say(`${settled.length}/${count} at their steady state`);
    last = settled.length;
    return settled.length === count ? true : undefined;
  }, pollFor(count));
}

async function main() {
  const { positionals, values } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: { count: { type: 'string', default: '10' }, driver: { type: 'string', default: 'etcd' }, namespace: { type: 'string' }, workers: { type: 'string', default: '4' } },
  });
  const mode = positionals[0];
  const namespace = values.namespace;
  if (mode !== 'steady' || !namespace) throw new Error('usage: control-plane-runner.ts steady --namespace=NS [--count=N] [--driver=etcd|PostgreSQL|MySQL]');

  const logger = pino({ level: 'warn' }, pino.destination(2));
  const storage = await createStorage({ driver: 'memory' });
  const registry = new Registry(allDeclarations.map((declaration) => ({ store: createResourceStore(declaration, storage, { defaulting: {}, logger }) })));
  await registry.whenReady();
  const tcps = registry.resource('tenantcontrolplanes')!.store;
  const dataStores = registry.resource('datastores')!.store;
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(ADMIN_KUBECONFIG);

  const dataStoreName = `bench-${namespace}`.slice(0, 63);
  const dataStore = await benchDataStore(values.driver as Driver, dataStoreName);
  await dataStores.create(undefined, dataStore.manifest, { user: USER });
  const controllers = startControllers({
    registry,
    managementKubeConfig: kubeConfig,
    namespace,
    identity: `bench-${process.pid}`,
    maxConcurrentReconciles: Number(values.workers),
    leaderElect: false,
    logger,
  });
  const baselineRss = await settledRss();
  let peakRss = baselineRss;
  const peakTimer = setInterval(() => (peakRss = Math.max(peakRss, readProcessUsage(process.pid).rssBytes)), POLL_MS);
  try {
    const count = Number(values.count);
    // One control plane first, so code loaded and caches filled on first use are not counted per tcp.
    say('warming up with one TenantControlPlane');
    await tcps.create(namespace, benchControlPlane(namespace, 'warm-up', dataStoreName, 0), { user: USER });
    await waitSteady(tcps, namespace, 1);
    const warmRss = await settledRss();
    const cpuBefore = readProcessUsage(process.pid).cpuSeconds;
    const started = performance.now();
    say(`creating ${count} TenantControlPlanes with replicas 0`);
    for (let i = 0; i < count; i++) await tcps.create(namespace, benchControlPlane(namespace, `cp-${i}`, dataStoreName, 0), { user: USER });
    await waitSteady(tcps, namespace, count + 1);
    const seconds = (performance.now() - started) / 1000;
    clearInterval(peakTimer);
    const steadyRss = await settledRss();
    const cpuSeconds = readProcessUsage(process.pid).cpuSeconds - cpuBefore;
    process.stdout.write(`${JSON.stringify({ mode, seconds, baselineRss, warmRss, steadyRss, peakRss, cpuSeconds })}\n`);
  } finally {
    clearInterval(peakTimer);
    say('deleting the TenantControlPlanes');
    for (const tcp of await listTcps(tcps, namespace)) await tcps.delete(namespace, tcp.metadata.name, { user: USER }).catch(() => undefined);
    await waitUntil('the TenantControlPlanes to be finalized', 180_000, async () => ((await listTcps(tcps, namespace)).length === 0 ? true : undefined)).catch((error: unknown) => say(String(error)));
    await controllers.stop();
    await dataStores.delete(undefined, dataStoreName, { user: USER }).catch(() => undefined);
    await dataStore.stop();
    registry.close();
    await storage.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`control-plane-runner: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
