// Figure 4: the storage drivers alone. bench/storage/run.ts (owned by the storage work) measures
// them on throwaway servers; this section runs it as one step of the benchmark and turns its
// results into figures, each driver against the etcd driver on kine over the same PostgreSQL.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { BenchContext } from '../lib/context.ts';
import { figure, notMeasured, type Side } from '../lib/figures.ts';
import type { Summary } from '../lib/stats.ts';

const SECTION = '4 storage';
const SCRIPT = join(import.meta.dirname, '../storage/run.ts');
const RESULTS = join(import.meta.dirname, '../results/storage-latest.json');
const REFERENCE = 'kine';

interface StorageReport {
  generatedAt: string;
  options: { count: number; concurrency: number; watchEvents: number };
  drivers: Record<string, { label: string } & Record<string, Summary & { opsPerSecond?: number }>>;
}

const METRICS = [
  { key: 'create', name: (n: number) => `create ${n} keys, each`, unit: 'ms' },
  { key: 'get', name: () => 'get one key', unit: 'ms' },
  { key: 'list', name: (n: number) => `list ${n} keys at once`, unit: 'ms' },
  { key: 'listPaged', name: (n: number) => `list ${n} keys in pages of 500`, unit: 'ms' },
  { key: 'watch', name: () => 'write to watch event', unit: 'ms' },
] as const;

function runScript(ctx: BenchContext, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => line.trim() && ctx.progress(`storage: ${line}`));
    }
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`bench/storage/run.ts exited with ${code}`))));
  });
}

export async function runStorage(ctx: BenchContext): Promise<void> {
  const started = new Date();
  const count = ctx.quick ? 1000 : 10_000;
  const args = [`--count=${count}`, `--watch-events=${ctx.quick ? 100 : 300}`];
  ctx.progress(`storage: node bench/storage/run.ts ${args.join(' ')}`);
  await runScript(ctx, args);
  const report = JSON.parse(readFileSync(RESULTS, 'utf8')) as StorageReport;
  if (new Date(report.generatedAt) < started) throw new Error(`${RESULTS} is older than this run`);
  const reference = report.drivers[REFERENCE];
  for (const [driver, result] of Object.entries(report.drivers)) {
    if (driver === REFERENCE) continue;
    for (const metric of METRICS) {
      const ours = result[metric.key];
      const theirs = reference?.[metric.key];
      const side = (summary: Summary | undefined, why: string): Side => (summary ? { kind: 'measured', summary } : notMeasured(why));
      ctx.add(
        figure({
          section: SECTION,
          name: `${result.label}: ${metric.name(report.options.count)}`,
          unit: metric.unit,
          better: 'lower',
          kamajiTs: side(ours, `bench/storage reported no ${metric.key}`),
          peer: side(theirs, 'kine was not measured'),
          peerLabel: reference?.label ?? 'etcd driver on kine over the same PostgreSQL',
          ...(ours?.opsPerSecond !== undefined ? { note: `${Math.round(ours.opsPerSecond)} ops/s at concurrency ${report.options.concurrency}${theirs?.opsPerSecond ? ` (kine ${Math.round(theirs.opsPerSecond)} ops/s)` : ''}` } : {}),
        }),
      );
    }
  }
}
