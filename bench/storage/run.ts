// node bench/storage/run.ts [--count=10000] [--concurrency=8] [--watch-events=300] [--only=memory,etcd,postgres,mysql,kine]
//
// The storage drivers side by side, in one run, on this machine: create, get and list of `count`
// objects and watch latency, for memory, etcd, PostgreSQL, MySQL (MariaDB) and — as the reference
// the SQL drivers are compared to — the etcd driver on kine over the same PostgreSQL server.
// Every backend is a real throwaway server started here and stopped at the end. Prints progress
// and a table, and writes bench/results/storage-latest.json (with the machine's cores and memory).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EtcdStorage } from '../../src/storage/etcd.ts';
import { MemoryDatastore, MemoryStorage } from '../../src/storage/memory.ts';
import { openMySqlStorage } from '../../src/storage/mysql.ts';
import { openPostgresStorage } from '../../src/storage/postgres.ts';
import type { Storage, StorageWatchEvent } from '../../src/storage/storage.ts';
import { startEtcd } from '../../test/support/etcd.ts';
import { startKine } from '../../test/support/kine.ts';
import { startMariaDB } from '../../test/support/mariadb.ts';
import { startPostgres } from '../../test/support/postgres.ts';
import { summarize, type Summary } from '../lib/stats.ts';

const RESULTS = join(import.meta.dirname, '../results/storage-latest.json');
const DRIVERS = ['memory', 'etcd', 'postgres', 'mysql', 'kine'] as const;
type DriverName = (typeof DRIVERS)[number];

const LABELS: Record<DriverName, string> = {
  memory: 'memory',
  etcd: 'etcd',
  postgres: 'postgres',
  mysql: 'mysql (MariaDB)',
  kine: 'etcd driver on kine (same PostgreSQL)',
};

interface Options {
  count: number;
  concurrency: number;
  watchEvents: number;
  only: DriverName[];
}

/** One driver's figures. Latencies in milliseconds. */
interface DriverResult {
  create: Summary & { opsPerSecond: number };
  get: Summary & { opsPerSecond: number };
  /** One list of every object (no limit). */
  list: Summary;
  /** Every object in pages of 500, as clients page through a large collection. */
  listPaged: Summary;
  /** From the start of a write to the watch event for it arriving, on the replica that wrote. */
  watch: Summary;
  /** The same, for a watch on a second instance of the driver (another replica of the server). */
  watchReplica: Summary;
}

interface Backend {
  /** A Storage on the backend; every call opens another instance on the same key space (a replica). */
  open(): Promise<Storage>;
  stop(): Promise<void>;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      count: { type: 'string', default: '10000' },
      concurrency: { type: 'string', default: '8' },
      'watch-events': { type: 'string', default: '300' },
      only: { type: 'string', default: DRIVERS.join(',') },
    },
    strict: true,
  });
  const positive = (name: string, text: string): number => {
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, got ${JSON.stringify(text)}`);
    return value;
  };
  const only = values.only.split(',').map((name) => name.trim());
  const unknown = only.filter((name) => !(DRIVERS as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`--only: unknown driver ${unknown.join(', ')}; drivers are ${DRIVERS.join(', ')}`);
  return {
    count: positive('count', values.count),
    concurrency: positive('concurrency', values.concurrency),
    watchEvents: positive('watch-events', values['watch-events']),
    only: only as DriverName[],
  };
}

const progress = (line: string): void => {
  process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
};

// ------------------------------------------------------------------ backends

async function startBackends(only: readonly DriverName[]): Promise<Map<DriverName, Backend>> {
  const backends = new Map<DriverName, Backend>();
  if (only.includes('memory')) {
    const datastore = new MemoryDatastore({ historyLimit: 1_000_000 });
    backends.set('memory', {
      open: async () => new MemoryStorage(datastore),
      stop: async () => undefined,
    });
  }
  if (only.includes('etcd')) {
    progress('starting etcd');
    const etcd = await startEtcd();
    backends.set('etcd', {
      open: async () => new EtcdStorage({ endpoints: [etcd.endpoint], prefix: '/kamaji-bench/' }),
      stop: () => etcd.stop(),
    });
  }
  if (only.includes('postgres') || only.includes('kine')) {
    progress('starting PostgreSQL');
    const postgres = await startPostgres();
    const database = async (name: string): Promise<URL> => new URL(await postgres.createDatabase(name));
    let stopped = false;
    const stopPostgres = async () => {
      if (!stopped) await postgres.stop();
      stopped = true;
    };
    if (only.includes('postgres')) {
      const url = await database('kamaji_bench');
      backends.set('postgres', {
        open: () => openPostgresStorage({ url: url.href, poolSize: 10, compactIntervalMs: 0 }),
        stop: async () => (only.includes('kine') ? undefined : stopPostgres()),
      });
    }
    if (only.includes('kine')) {
      progress('starting kine on the same PostgreSQL');
      const url = await database('kine_bench');
      url.searchParams.set('sslmode', 'disable');
      const kine = await startKine(url.href);
      backends.set('kine', {
        open: async () => new EtcdStorage({ endpoints: [kine.endpoint], prefix: '/kamaji-bench/' }),
        stop: async () => {
          await kine.stop();
          await stopPostgres();
        },
      });
    }
  }
  if (only.includes('mysql')) {
    progress('starting MariaDB');
    const mariadb = await startMariaDB();
    const url = await mariadb.createDatabase('kamaji_bench');
    backends.set('mysql', {
      open: () => openMySqlStorage({ url, poolSize: 10, compactIntervalMs: 0 }),
      stop: () => mariadb.stop(),
    });
  }
  return backends;
}

// ------------------------------------------------------------------ measurements

/** A TenantControlPlane-sized object (about 1.5 KiB of JSON), distinct per key. */
function objectBytes(key: string): Uint8Array {
  return Buffer.from(JSON.stringify({ key, spec: { padding: 'x'.repeat(1_400) } }));
}

/** Runs `operation` for every index with `concurrency` in flight; returns each one's latency. */
async function timedEach(count: number, concurrency: number, operation: (index: number) => Promise<unknown>) {
  const latencies = new Array<number>(count);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const index = next++;
        const begin = performance.now();
        await operation(index);
        latencies[index] = performance.now() - begin;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1_000;
  return { ...summarize(latencies), opsPerSecond: Math.round(count / seconds) };
}

async function timedRepeat(times: number, operation: () => Promise<unknown>): Promise<Summary> {
  const latencies: number[] = [];
  for (let i = 0; i < times; i++) {
    const begin = performance.now();
    await operation();
    latencies.push(performance.now() - begin);
  }
  return summarize(latencies);
}

async function measure(name: DriverName, store: Storage, replica: Storage, options: Options): Promise<DriverResult> {
  const key = (index: number) => `/bench/tenantcontrolplanes/ns-${index % 10}/tcp-${String(index).padStart(6, '0')}`;

  progress(`${name}: create ${options.count} objects`);
  const create = await timedEach(options.count, options.concurrency, (index) => store.create(key(index), objectBytes(key(index))));

  progress(`${name}: get ${options.count} objects`);
  const get = await timedEach(options.count, options.concurrency, async (index) => {
    if ((await store.get(key(index))) === undefined) throw new Error(`${name}: ${key(index)} is missing`);
  });

  progress(`${name}: list ${options.count} objects`);
  const list = await timedRepeat(5, async () => {
    const result = await store.list({ prefix: '/bench/tenantcontrolplanes/' });
    if (result.items.length !== options.count) throw new Error(`${name}: listed ${result.items.length} of ${options.count}`);
  });
  const listPaged = await timedRepeat(3, async () => {
    let seen = 0;
    let startAfter: string | undefined;
    let revision: number | undefined;
    for (;;) {
      const page = await store.list({
        prefix: '/bench/tenantcontrolplanes/',
        limit: 500,
        ...(startAfter !== undefined && { startAfter }),
        ...(revision !== undefined && { revision }),
      });
      seen += page.items.length;
      revision = page.revision;
      if (!page.more) break;
      startAfter = page.items.at(-1)!.key;
    }
    if (seen !== options.count) throw new Error(`${name}: paged through ${seen} of ${options.count}`);
  });

  progress(`${name}: watch latency over ${options.watchEvents} writes, same replica and another`);
  const watch = await watchLatency(store, store, '/bench/watched/', options.watchEvents);
  const watchReplica = await watchLatency(store, replica, '/bench/watched-elsewhere/', options.watchEvents);
  return { create, get, list, listPaged, watch, watchReplica };
}

/** Writes on `writer` one at a time; each time, how long until `watcher`'s watch delivers the write. */
async function watchLatency(writer: Storage, watcher: Storage, prefix: string, writes: number): Promise<Summary> {
  const waiting = new Map<number, () => void>();
  const arrived = new Set<number>();
  let failure: Error | undefined;
  const watch = await watcher.watch(
    { prefix, afterRevision: await watcher.currentRevision() },
    {
      onEvent: (event: StorageWatchEvent) => {
        arrived.add(event.modRevision);
        waiting.get(event.modRevision)?.();
      },
      onError: (error) => (failure = error),
    },
  );
  const key = `${prefix}object`;
  const latencies: number[] = [];
  let current = await writer.create(key, objectBytes(key));
  await waitForEvent(current.modRevision, waiting, arrived);
  for (let i = 0; i < writes; i++) {
    if (failure) throw failure;
    const begin = performance.now();
    current = await writer.update(key, objectBytes(`${key} ${i}`), current.modRevision);
    await waitForEvent(current.modRevision, waiting, arrived);
    latencies.push(performance.now() - begin);
  }
  watch.close();
  return summarize(latencies);
}

function waitForEvent(revision: number, waiting: Map<number, () => void>, arrived: Set<number>): Promise<void> {
  if (arrived.has(revision)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no watch event for revision ${revision} within 30 s`)), 30_000);
    waiting.set(revision, () => {
      clearTimeout(timer);
      waiting.delete(revision);
      resolve();
    });
  });
}

// ------------------------------------------------------------------ report

const METRICS: { key: keyof DriverResult; label: string }[] = [
  { key: 'create', label: 'create' },
  { key: 'get', label: 'get' },
  { key: 'list', label: 'list all' },
  { key: 'listPaged', label: 'list in pages of 500' },
  { key: 'watch', label: 'watch, same replica (write → event)' },
  { key: 'watchReplica', label: 'watch, other replica (write → event)' },
];

function formatMs(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

function table(results: Map<DriverName, DriverResult>): string {
  const names = [...results.keys()];
  const reference = results.get('kine');
  const header = ['metric (ms, median / p99)', ...names.map((name) => LABELS[name])];
  const rows: string[][] = [];
  for (const { key, label } of METRICS) {
    rows.push([
      label,
      ...names.map((name) => {
        const summary = results.get(name)![key];
        const ops = 'opsPerSecond' in summary ? ` (${summary.opsPerSecond}/s)` : '';
        return `${formatMs(summary.median)} / ${formatMs(summary.p99)}${ops}`;
      }),
    ]);
    if (reference !== undefined) {
      rows.push([
        `  ratio to kine (median)`,
        ...names.map((name) => `${(results.get(name)![key].median / reference[key].median).toFixed(2)}×`),
      ]);
    }
  }
  const widths = header.map((_, column) => Math.max(...[header, ...rows].map((row) => row[column]!.length)));
  const line = (row: string[]) => row.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ');
  return [line(header), widths.map((width) => '-'.repeat(width)).join('-|-'), ...rows.map(line)].join('\n');
}

function ratios(results: Map<DriverName, DriverResult>) {
  const reference = results.get('kine');
  if (reference === undefined) return undefined;
  return Object.fromEntries(
    [...results].map(([name, result]) => [
      name,
      Object.fromEntries(METRICS.map(({ key }) => [key, Number((result[key].median / reference[key].median).toFixed(3))])),
    ]),
  );
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: import.meta.dirname, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const options = parseOptions();
  const backends = await startBackends(options.only);
  const results = new Map<DriverName, DriverResult>();
  try {
    for (const name of options.only) {
      const store = await backends.get(name)!.open();
      const replica = await backends.get(name)!.open();
      try {
        results.set(name, await measure(name, store, replica, options));
      } finally {
        await Promise.all([store.close(), replica.close()]);
        await backends.get(name)!.stop();
      }
    }
  } finally {
    for (const backend of backends.values()) await backend.stop().catch(() => undefined);
  }
  const report = {
    generatedAt: new Date().toISOString(),
    commit: gitCommit(),
    machine: { cores: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', memoryBytes: os.totalmem(), kernel: os.release() },
    options: { count: options.count, concurrency: options.concurrency, watchEvents: options.watchEvents, valueBytes: objectBytes(' ').length },
    units: 'milliseconds; opsPerSecond for create and get',
    drivers: Object.fromEntries([...results].map(([name, result]) => [name, { label: LABELS[name], ...result }])),
    ratiosToKineMedian: ratios(results),
  };
  mkdirSync(join(RESULTS, '..'), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`\n${table(results)}\n\nmachine: ${report.machine.cores} cores, ${(report.machine.memoryBytes / 2 ** 30).toFixed(1)} GiB; results in ${RESULTS}\n`);
}

await main();
