// Repeated timing of one operation on each side, and the figures comparing Kamaji-TS's sides with
// the CRD peer.
import type { ApiSide } from './api-sides.ts';
import type { BenchContext } from './context.ts';
import { figure, measured, notMeasured } from './figures.ts';
import { breakdown, describeBreakdown, parseHistogramTotals, type Breakdown } from './server-metrics.ts';

export interface Sampled {
  samples: Map<ApiSide, number[]>;
  /** Where the replica spent the straight requests, from its /metrics. */
  direct?: Breakdown;
}

const scrape = async (side: ApiSide) => parseHistogramTotals((await side.client.request('/metrics')).text);

/**
 * Times `call` `samples` times on each side. Half the samples run in one order of sides and half in
 * the reverse, so drift on a shared machine falls on both alike. The aggregated and CRD runs are
 * recorded as `load` for the memory and CPU figures.
 */
export async function sampleSides(
  ctx: BenchContext,
  load: string,
  sides: readonly ApiSide[],
  samples: number,
  call: (side: ApiSide, index: number) => Promise<unknown>,
): Promise<Sampled> {
  const results = new Map<ApiSide, number[]>(sides.map((side) => [side, []]));
  const direct = sides.find((side) => side.key === 'direct');
  const before = direct ? await scrape(direct) : undefined;
  const half = Math.ceil(samples / 2);
  for (const [order, from, to] of [
    [sides, 0, half],
    [[...sides].reverse(), half, samples],
  ] as const) {
    for (const side of order) {
      const run = async () => {
        for (let index = from; index < to; index++) {
          const started = performance.now();
          await call(side, index);
          results.get(side)!.push(performance.now() - started);
        }
      };
      if (side.key === 'direct') await run();
      else await ctx.usage.measure(load, side.key === 'crd' ? 'peer' : 'kamaji', run);
    }
  }
  if (!direct || !before) return { samples: results };
  return { samples: results, direct: breakdown(before, await scrape(direct)) };
}

/** One figure per Kamaji-TS side, each against the CRD peer's samples. */
export function addComparisons(ctx: BenchContext, section: string, name: string, sampled: Sampled, note?: string): void {
  const results = sampled.samples;
  const peer = [...results.keys()].find((side) => side.key === 'crd');
  if (!peer) throw new Error('addComparisons: no CRD side sampled');
  for (const [side, samples] of results) {
    if (side === peer) continue;
    const notes = [note, side.key === 'direct' && sampled.direct ? describeBreakdown(sampled.direct) : undefined].filter((n) => n !== undefined);
    ctx.add(
      figure({
        section,
        name: `${name}, ${side.key === 'direct' ? 'straight to a replica' : 'via aggregator'}`,
        unit: 'ms',
        better: 'lower',
        kamajiTs: measured(samples),
        peer: measured(results.get(peer)!),
        peerLabel: peer.label,
        ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
      }),
    );
  }
}

/**
 * Samples and adds the comparison; if an operation fails (a server answering 500, say), the figure
 * says so and the section goes on with its other operations.
 */
export async function compareOrExplain(ctx: BenchContext, section: string, name: string, work: () => Promise<Sampled>, note?: string): Promise<void> {
  try {
    addComparisons(ctx, section, name, await work(), note);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    ctx.progress(`${section}: ${name} failed: ${reason}`);
    ctx.add(figure({ section, name, unit: 'ms', better: 'lower', kamajiTs: notMeasured(reason), peer: notMeasured('not compared: the operation failed'), peerLabel: 'CRD on kube-apiserver' }));
  }
}
