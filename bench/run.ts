// npm run bench [-- --quick] [-- --only=reads,writes,watch,storage,control-planes]
// Measures Kamaji-TS against its peer on this machine, in one run, on the real local management
// cluster (npm run cluster:up); prints a table and writes bench/results/latest.json.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { tenantControlPlaneDeclaration } from '../src/apis/index.ts';
import { apiSide } from './lib/api-sides.ts';
import { openCluster, type Cluster } from './lib/cluster.ts';
import type { BenchContext, ClusterSides } from './lib/context.ts';
import { progressPrinter } from './lib/context.ts';
import { installCustomResourceDefinition, removeCustomResourceDefinition } from './lib/crd-peer.ts';
import { figure, formatTable, notMeasured, type Figure } from './lib/figures.ts';
import { UsageRecorder, type ProcessRole } from './lib/usage.ts';
import { usageFigures } from './lib/usage-figures.ts';
import { runControlPlanes } from './sections/control-planes.ts';
import { runReads } from './sections/reads.ts';
import { runStorage } from './sections/storage.ts';
import { runWatch } from './sections/watch.ts';
import { runWrites } from './sections/writes.ts';

const SECTIONS: Record<string, { figure: string; run: (ctx: BenchContext) => Promise<void> }> = {
  reads: { figure: '1 reads', run: runReads },
  writes: { figure: '2 writes', run: runWrites },
  watch: { figure: '3 watch', run: runWatch },
  storage: { figure: '4 storage', run: runStorage },
  'control-planes': { figure: '5 control planes', run: runControlPlanes },
};

const RESULTS = join(import.meta.dirname, 'results/latest.json');

function parseOptions() {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, help: { type: 'boolean', default: false } },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`usage: npm run bench [-- --quick] [-- --only=${Object.keys(SECTIONS).join(',')}]\n`);
    process.exit(0);
  }
  const only = values.only?.split(',').map((s) => s.trim()).filter((s) => s !== '') ?? Object.keys(SECTIONS);
  const unknown = only.filter((s) => !(s in SECTIONS));
  if (unknown.length > 0) throw new Error(`--only: unknown section ${unknown.join(', ')}; sections are ${Object.keys(SECTIONS).join(', ')}`);
  return { quick: values.quick, only };
}

function machine() {
  const cpus = os.cpus();
  return { cores: cpus.length, cpuModel: cpus[0]?.model ?? 'unknown', memoryBytes: os.totalmem(), kernel: os.release(), platform: os.platform() };
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: join(import.meta.dirname, '..'), encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

/**
 * Checks the management cluster, installs the CRD peer, and picks the replica for straight calls.
 * A cluster that is not up leaves the sections that need it to say so; the others still run.
 */
async function connect(progress: (message: string) => void) {
  const versions: Record<string, string | number> = { node: process.version, kamajiTs: gitCommit() };
  let cluster: Cluster | undefined;
  try {
    cluster = openCluster();
    await cluster.admin.request('/readyz');
    const replicas = await cluster.replicas();
    const directReplica = replicas[0];
    if (!directReplica) throw new Error('no ready Kamaji-TS replica behind kamaji-system/tenancy-apiserver');
    versions.kubeApiserver = (await cluster.admin.json<{ gitVersion: string }>('/version')).gitVersion;
    versions.kamajiTsReplicas = replicas.length;
    progress(`installing the CRD peer ${tenantControlPlaneDeclaration.plural}.bench.kamaji.io from the same declaration`);
    await installCustomResourceDefinition(cluster.admin, tenantControlPlaneDeclaration);
    const sides: ClusterSides = {
      cluster,
      aggregated: apiSide('aggregated', cluster.admin),
      direct: apiSide('direct', directReplica.client),
      crd: apiSide('crd', cluster.admin),
      directReplica,
    };
    return { sides, unavailable: undefined, versions };
  } catch (error) {
    const unavailable = `${error instanceof Error ? error.message : String(error)} (npm run cluster:status; npm run cluster:up)`;
    progress(`the management cluster is not available, its sections will say so: ${unavailable}`);
    cluster?.close();
    return { sides: undefined, unavailable, versions };
  }
}

async function processSet(cluster: Cluster | undefined) {
  const pids = new Map<number, ProcessRole>();
  if (!cluster) return { pids };
  for (const replica of await cluster.replicas()) if (replica.pid) pids.set(replica.pid, 'replica');
  const add = (pid: number | undefined, role: ProcessRole) => pid && pids.set(pid, role);
  add(cluster.kubeApiserverPid(), 'kubeApiserver');
  add(cluster.etcdPid(), 'etcd');
  add(cluster.kamajiEtcdPid(), 'kamajiEtcd');
  return { pids };
}

async function main() {
  const options = parseOptions();
  const progress = progressPrinter();
  const started = new Date();
  const figures: Figure[] = [];
  let sides: ClusterSides | undefined;
  try {
    progress(`${options.quick ? 'quick' : 'full'} run: ${options.only.join(', ')}`);
    const connection = await connect(progress);
    sides = connection.sides;
    const { unavailable, versions } = connection;
    const usage = new UsageRecorder(() => processSet(sides?.cluster));
    // Written after every figure, so a long run stopped half-way still leaves what it measured.
    const writeResults = (complete: boolean) => {
      const result = {
        complete,
        date: started.toISOString(),
        durationSeconds: Math.round((Date.now() - started.getTime()) / 1000),
        quick: options.quick,
        sections: options.only,
        command: `npm run bench --${options.quick ? ' --quick' : ''}${options.only.length < Object.keys(SECTIONS).length ? ` --only=${options.only.join(',')}` : ''}`,
        machine: machine(),
        versions,
        ratio: 'Kamaji-TS median / peer median; see `better` for which way wins',
        figures: complete ? figures : [...figures, ...usageFigures(usage.loads)],
        loads: usage.loads,
      };
      mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
      writeFileSync(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
      return result;
    };

    const ctx: BenchContext = {
      quick: options.quick,
      runId: `${Date.now().toString(36).slice(-5)}${randomBytes(2).toString('hex')}`,
      sides,
      ...(unavailable ? { clusterUnavailable: unavailable } : {}),
      usage,
      progress,
      add: (f) => {
        figures.push(f);
        // Every figure is on disk as soon as it exists: a long run stopped half-way keeps it.
        writeResults(false);
      },
    };

    const idleSeconds = options.quick ? 5 : 20;
    progress(`idle: reading memory and CPU for ${idleSeconds} s`);
    await usage.measure('idle', 'none', () => new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000)));

    for (const name of options.only) {
      const section = SECTIONS[name]!;
      await usage.settle(progress);
      progress(`section ${section.figure}`);
      // Replicas come and go (rollouts, restarts): each section talks to one that is ready now.
      const ready = sides ? (await sides.cluster.replicas().catch(() => []))[0] : undefined;
      if (sides && ready) Object.assign(sides, { direct: apiSide('direct', ready.client), directReplica: ready });
      try {
        await section.run(ctx);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        progress(`section ${section.figure} failed: ${reason}`);
        ctx.add(
          figure({ section: section.figure, name: 'section failed', unit: '-', better: 'lower', kamajiTs: notMeasured(reason), peer: notMeasured(reason), peerLabel: '-' }),
        );
      }
    }
    figures.push(...usageFigures(usage.loads));
    if (sides) await removeCustomResourceDefinition(sides.cluster.admin, tenantControlPlaneDeclaration);

    const result = writeResults(true);
    const m = result.machine;
    process.stdout.write(
      `\nKamaji-TS ${versions.kamajiTs} vs peers, ${started.toISOString()}, ${m.cores} cores (${m.cpuModel}), ` +
        `${Math.round(m.memoryBytes / 2 ** 30)} GiB, kube-apiserver ${versions.kubeApiserver ?? 'not reached'}, Node ${versions.node}\n\n${formatTable(figures)}\n\n` +
        `notes:\n${figures.filter((f) => f.note).map((f) => `  ${f.section}: ${f.name}: ${f.note}`).join('\n')}\n\n` +
        `written to ${RESULTS}\n`,
    );
  } finally {
    sides?.cluster.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
