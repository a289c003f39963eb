// Figure 3: watch. The delay from a write to its event at 1, 100 and 1,000 concurrent watchers, and
// the events per second one replica delivers while writers keep it busy. Watchers find their event
// by the new object's name in the raw stream, without parsing, so the client's own cost stays small
// and equal on both sides.
import { benchTenantControlPlane, boundedAll, ensureNamespace, removeNamespace, type ApiSide } from '../lib/api-sides.ts';
import { requireCluster, type BenchContext } from '../lib/context.ts';
import { figure, measured, notMeasured } from '../lib/figures.ts';
import { HttpClient } from '../lib/http-client.ts';

const SECTION = '3 watch';
const EVENT_TIMEOUT_MS = 10_000;

interface Watcher {
  close(): void;
}

/** Opens `count` watches on the namespace from `resourceVersion`, each on its own connection. */
async function openWatchers(side: ApiSide, namespace: string, resourceVersion: string, count: number, onText: (watcher: number, text: string) => void): Promise<{ watchers: Watcher[]; client: HttpClient }> {
  // A client of its own with room for every watcher: watches hold their connection.
  const client = new HttpClient(side.client.target, { maxSockets: count + 8 });
  const path = `${side.collection(namespace)}?watch=1&resourceVersion=${resourceVersion}&allowWatchBookmarks=false&timeoutSeconds=600`;
  const watchers = await boundedAll(count, 50, (index) => client.stream(path, (text) => onText(index, text), () => undefined));
  return { watchers, client };
}

/** The collection's current resourceVersion: watches start after it, with no initial events. */
async function currentResourceVersion(side: ApiSide, namespace: string): Promise<string> {
  return (await side.client.json<{ metadata: { resourceVersion: string } }>(`${side.collection(namespace)}?limit=1`)).metadata.resourceVersion;
}

/**
 * Creates one object at a time and times each watcher's receipt of its ADDED event. Creates, not
 * updates: every write makes a new name to look for, and the figure does not hang on the update path.
 */
async function latencyAt(side: ApiSide, namespace: string, watcherCount: number, writes: number): Promise<{ latencies: number[]; missed: number }> {
  let marker = '';
  let sentAt = 0;
  let received = new Set<number>();
  let resolveAll: (() => void) | undefined;
  const latencies: number[] = [];
  const tails = new Array<string>(watcherCount).fill('');
  const from = await currentResourceVersion(side, namespace);
  const { watchers, client } = await openWatchers(side, namespace, from, watcherCount, (watcher, text) => {
    const window = tails[watcher] + text;
    tails[watcher] = window.slice(-96);
    if (marker && !received.has(watcher) && window.includes(marker)) {
      received.add(watcher);
      latencies.push(performance.now() - sentAt);
      if (received.size === watcherCount) resolveAll?.();
    }
  });
  let missed = 0;
  try {
    for (let k = 0; k < writes; k++) {
      const name = `${side.key}-w${watcherCount}-${k}`;
      received = new Set();
      marker = `"name":"${name}"`;
      const allReceived = new Promise<void>((resolve) => {
        resolveAll = resolve;
      });
      sentAt = performance.now();
      await side.client.request(side.collection(namespace), { method: 'POST', body: JSON.stringify(benchTenantControlPlane(side, namespace, name)) });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([allReceived, new Promise((resolve) => (timer = setTimeout(resolve, EVENT_TIMEOUT_MS)))]);
      clearTimeout(timer);
      missed += watcherCount - received.size;
    }
  } finally {
    marker = '';
    for (const watcher of watchers) watcher.close();
    client.close();
  }
  return { latencies, missed };
}

/**
 * Writers create objects as fast as the server takes them for `seconds`; every watcher counts the
 * events (one line each) it receives. Returns events per second per watcher and the write rate the
 * server accepted.
 */
async function throughput(side: ApiSide, namespace: string, watcherCount: number, writerCount: number, seconds: number) {
  const from = await currentResourceVersion(side, namespace);
  const events = new Array<number>(watcherCount).fill(0);
  const { watchers, client } = await openWatchers(side, namespace, from, watcherCount, (watcher, text) => {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) events[watcher]!++;
  });
  let writes = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: writerCount }, async (_, writer) => {
      for (let n = 0; performance.now() < deadline; n++) {
        const name = `flood-${side.key}-${writer}-${n}`;
        await side.client.request(side.collection(namespace), { method: 'POST', body: JSON.stringify(benchTenantControlPlane(side, namespace, name)) });
        writes++;
      }
    }),
  );
  const writeSeconds = (performance.now() - started) / 1000;
  // Let the watchers drain what was written, then read the rate over the whole time.
  const drainDeadline = performance.now() + EVENT_TIMEOUT_MS;
  while (performance.now() < drainDeadline && events.some((count) => count < writes)) await new Promise((r) => setTimeout(r, 50));
  const elapsed = (performance.now() - started) / 1000;
  for (const watcher of watchers) watcher.close();
  client.close();
  return { perWatcher: events.map((count) => count / elapsed), writesPerSecond: writes / writeSeconds, writes, lagging: events.filter((c) => c < writes).length };
}

/** Runs one measurement; a failure becomes a figure that says why, and the section goes on. */
async function orExplain(ctx: BenchContext, name: string, unit: string, better: 'lower' | 'higher', work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    ctx.progress(`watch: ${name} failed: ${reason}`);
    ctx.add(figure({ section: SECTION, name, unit, better, kamajiTs: notMeasured(reason), peer: notMeasured('not compared: the measurement failed'), peerLabel: 'CRD on kube-apiserver' }));
  }
}

export async function runWatch(ctx: BenchContext): Promise<void> {
  const api = requireCluster(ctx);
  const watcherCounts = ctx.quick ? [1, 100] : [1, 100, 1000];
  const writes = ctx.quick ? 20 : 50;
  const namespace = `bench-watch-${ctx.runId}`;
  await ensureNamespace(api.cluster.admin, namespace);
  try {
    for (const count of watcherCounts) {
      await orExplain(ctx, `write to event, ${count} watcher(s)`, 'ms', 'lower', async () => {
        const results = new Map<ApiSide, { latencies: number[]; missed: number }>();
        for (const side of [api.aggregated, api.direct, api.crd]) {
          ctx.progress(`watch: ${count} watcher(s), ${writes} writes, ${side.label}`);
          const run = () => latencyAt(side, namespace, count, writes);
          results.set(side, side.key === 'direct' ? await run() : await ctx.usage.measure(`watch, ${count} watchers`, side.key === 'crd' ? 'peer' : 'kamaji', run));
        }
        const peer = results.get(api.crd)!;
        for (const side of [api.aggregated, api.direct]) {
          const ours = results.get(side)!;
          ctx.add(
            figure({
              section: SECTION,
              name: `write to event, ${count} watcher(s), ${side.key === 'direct' ? 'straight to a replica' : 'via aggregator'}`,
              unit: 'ms',
              better: 'lower',
              kamajiTs: ours.latencies.length > 0 ? measured(ours.latencies) : notMeasured('no event arrived'),
              peer: peer.latencies.length > 0 ? measured(peer.latencies) : notMeasured('no event arrived'),
              peerLabel: api.crd.label,
              note: `${writes} writes; events not received within ${EVENT_TIMEOUT_MS / 1000} s: Kamaji-TS ${ours.missed}, peer ${peer.missed}`,
            }),
          );
        }
      });
    }

    const watchers = 100;
    const writers = 8;
    const seconds = ctx.quick ? 10 : 30;
    await orExplain(ctx, `events/s delivered to each of ${watchers} watchers, ${writers} writers, one replica`, 'events/s', 'higher', async () => {
      const rates = new Map<ApiSide, Awaited<ReturnType<typeof throughput>>>();
      for (const side of [api.direct, api.crd]) {
        ctx.progress(`watch: events per second, ${writers} writers, ${watchers} watchers, ${seconds} s, ${side.label}`);
        rates.set(side, await ctx.usage.measure('watch throughput', side.key === 'crd' ? 'peer' : 'kamaji', () => throughput(side, namespace, watchers, writers, seconds)));
      }
      const ours = rates.get(api.direct)!;
      const theirs = rates.get(api.crd)!;
      const note = `writes accepted: Kamaji-TS ${Math.round(ours.writesPerSecond)}/s, peer ${Math.round(theirs.writesPerSecond)}/s; watchers still behind after the drain: Kamaji-TS ${ours.lagging}, peer ${theirs.lagging}`;
      ctx.add(
        figure({
          section: SECTION,
          name: `events/s delivered to each of ${watchers} watchers, ${writers} writers, one replica`,
          unit: 'events/s',
          better: 'higher',
          kamajiTs: measured(ours.perWatcher),
          peer: measured(theirs.perWatcher),
          peerLabel: 'CRD on one kube-apiserver',
          note,
        }),
      );
      ctx.add(
        figure({
          section: SECTION,
          name: `creates/s accepted from ${writers} writers while ${watchers} watch, one replica`,
          unit: 'writes/s',
          better: 'higher',
          kamajiTs: measured([ours.writesPerSecond]),
          peer: measured([theirs.writesPerSecond]),
          peerLabel: 'CRD on one kube-apiserver',
          note,
        }),
      );
      ctx.add(
        figure({
          section: SECTION,
          name: `events/s delivered in all (${watchers} watchers), one replica`,
          unit: 'events/s',
          better: 'higher',
          kamajiTs: measured([ours.perWatcher.reduce((a, b) => a + b, 0)]),
          peer: measured([theirs.perWatcher.reduce((a, b) => a + b, 0)]),
          peerLabel: 'CRD on one kube-apiserver',
          note,
        }),
      );
    });
  } finally {
    ctx.progress('watch: deleting the objects');
    await removeNamespace(api.cluster.admin, [api.aggregated, api.crd], namespace);
  }
}
