// The result model: every figure names its unit, Kamaji-TS's value, the peer's value and their
// ratio. A side that could not be measured says why; a peer figure that is only published by the
// peer (not measured here) says where it comes from. Nothing is ever filled in.
import { summarize, type Summary } from './stats.ts';

export type Better = 'lower' | 'higher';

export type Side =
  | { kind: 'measured'; summary: Summary }
  | { kind: 'claimed'; value: number; source: string }
  | { kind: 'not-measured'; reason: string };

export interface Figure {
  /** The figure number and topic, e.g. "1 reads". */
  section: string;
  name: string;
  unit: string;
  better: Better;
  kamajiTs: Side;
  peer: Side;
  /** What the peer is, e.g. "CRD on kube-apiserver". */
  peerLabel: string;
  /** Kamaji-TS's median divided by the peer's; null when either side has no value. */
  ratio: number | null;
  note?: string;
}

export const measured = (samples: readonly number[]): Side => ({ kind: 'measured', summary: summarize(samples) });
export const notMeasured = (reason: string): Side => ({ kind: 'not-measured', reason });
export const claimed = (value: number, source: string): Side => ({ kind: 'claimed', value, source });

/** The central value of a side: the median when measured, the published number when claimed. */
export function centralValue(side: Side): number | undefined {
  if (side.kind === 'measured') return side.summary.median;
  if (side.kind === 'claimed') return side.value;
  return undefined;
}

export function figure(fields: Omit<Figure, 'ratio'>): Figure {
  const ours = centralValue(fields.kamajiTs);
  const theirs = centralValue(fields.peer);
  const ratio = ours !== undefined && theirs !== undefined && theirs !== 0 ? ours / theirs : null;
  return { ...fields, ratio };
}

/** "1.8× faster", "2.4× more", "on par": how Kamaji-TS fares, read from the ratio and which way is better. */
export function verdict(f: Figure): string {
  if (f.ratio === null) return '';
  const wins = f.better === 'lower' ? f.ratio < 1 : f.ratio > 1;
  const factor = f.ratio >= 1 ? f.ratio : 1 / f.ratio;
  if (factor < 1.05) return 'on par';
  return `${formatNumber(factor)}× ${wins ? 'better' : 'worse'}`;
}

/** Three significant figures, no exponent, so columns stay readable. */
export function formatNumber(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude >= 100) return Math.round(value).toLocaleString('en-US');
  if (magnitude >= 10) return value.toFixed(1);
  if (magnitude >= 1) return value.toFixed(2);
  if (magnitude === 0) return '0';
  return value.toPrecision(2);
}

function formatSide(side: Side): string {
  if (side.kind === 'measured') {
    const { median, p99, count } = side.summary;
    return count === 1 ? formatNumber(median) : `${formatNumber(median)} (p99 ${formatNumber(p99)})`;
  }
  if (side.kind === 'claimed') return `${formatNumber(side.value)} (claimed)`;
  return 'not measured';
}

/** The table printed at the end of a run: one line per figure, reasons for gaps listed beneath. */
export function formatTable(figures: readonly Figure[]): string {
  const header = ['figure', 'unit', 'Kamaji-TS median (p99)', 'peer median (p99)', 'peer', 'ratio', 'Kamaji-TS is'];
  const rows = figures.map((f) => [
    `${f.section}: ${f.name}`,
    f.unit,
    formatSide(f.kamajiTs),
    formatSide(f.peer),
    f.peerLabel,
    f.ratio === null ? '-' : formatNumber(f.ratio),
    verdict(f),
  ]);
  const widths = header.map((h, column) => Math.max(h.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  const gaps = figures.flatMap((f) =>
    [
      f.kamajiTs.kind === 'not-measured' ? `${f.section}: ${f.name}, Kamaji-TS not measured: ${f.kamajiTs.reason}` : undefined,
      f.peer.kind === 'not-measured' ? `${f.section}: ${f.name}, peer not measured: ${f.peer.reason}` : undefined,
      f.peer.kind === 'claimed' ? `${f.section}: ${f.name}, peer figure claimed by ${f.peer.source}, not measured here` : undefined,
    ].filter((g): g is string => g !== undefined),
  );
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), ...(gaps.length > 0 ? ['', ...gaps] : [])].join('\n');
}
