// Summaries of repeated measurements. Nearest-rank percentiles: the value a reader can find among
// the samples (no interpolation), so a p99 of 10 samples is honestly the slowest one.

export interface Summary {
  count: number;
  median: number;
  p99: number;
  min: number;
  max: number;
}

/** Nearest-rank percentile of samples sorted ascending; p in (0, 100]. */
export function percentile(sortedAscending: readonly number[], p: number): number {
  if (sortedAscending.length === 0) throw new Error('percentile of no samples');
  if (!(p > 0 && p <= 100)) throw new Error(`percentile ${p} is outside (0, 100]`);
  const rank = Math.ceil((p / 100) * sortedAscending.length);
  return sortedAscending[rank - 1]!;
}

/** The median as statisticians define it: the mean of the two middle samples when their count is even. */
export function median(sortedAscending: readonly number[]): number {
  const n = sortedAscending.length;
  if (n === 0) throw new Error('median of no samples');
  const middle = Math.floor(n / 2);
  return n % 2 === 1 ? sortedAscending[middle]! : (sortedAscending[middle - 1]! + sortedAscending[middle]!) / 2;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    count: sorted.length,
    median: median(sorted),
    p99: percentile(sorted, 99),
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
  };
}
