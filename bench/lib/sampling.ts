// Repeated timing of one operation on each side, and the figures comparing Kamaji-TS's sides with
// the CRD peer.
import type { ApiSide } from './api-sides.ts';
import type { BenchContext } from './context.ts';
import { figure, measured } from './figures.ts';

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
): Promise<Map<ApiSide, number[]>> {
  const results = new Map<ApiSide, number[]>(sides.map((side) => [side, []]));
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
  return results;
}

/** One figure per Kamaji-TS side, each against the CRD peer's samples. */
export function addComparisons(ctx: BenchContext, section: string, name: string, results: Map<ApiSide, number[]>, note?: string): void {
  const peer = [...results.keys()].find((side) => side.key === 'crd');
  if (!peer) throw new Error('addComparisons: no CRD side sampled');
  for (const [side, samples] of results) {
    if (side === peer) continue;
    ctx.add(
      figure({
        section,
        name: `${name}, ${side.key === 'direct' ? 'straight to a replica' : 'via aggregator'}`,
        unit: 'ms',
        better: 'lower',
        kamajiTs: measured(samples),
        peer: measured(results.get(peer)!),
        peerLabel: peer.label,
        ...(note ? { note } : {}),
      }),
    );
  }
}
