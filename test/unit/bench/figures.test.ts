import { describe, expect, test } from 'vitest';
import { claimed, figure, formatNumber, formatTable, measured, notMeasured, verdict } from '../../../bench/lib/figures.ts';

const base = { section: '1 reads', name: 'get one tcp', unit: 'ms', peerLabel: 'CRD on kube-apiserver' } as const;

describe('figure', () => {
  test('ratio is Kamaji-TS median over the peer median', () => {
    const f = figure({ ...base, better: 'lower', kamajiTs: measured([2, 4, 6]), peer: measured([8, 8, 8]) });
    expect(f.ratio).toBe(0.5);
    expect(verdict(f)).toBe('2.00× better');
  });

  test('a higher-is-better figure with a ratio below one is a loss', () => {
    const f = figure({ ...base, unit: 'events/s', better: 'higher', kamajiTs: measured([500]), peer: measured([1000]) });
    expect(verdict(f)).toBe('2.00× worse');
  });

  test('a claimed peer figure gives a ratio; a missing side gives none', () => {
    expect(figure({ ...base, better: 'lower', kamajiTs: measured([8]), peer: claimed(16, 'Kamaji docs') }).ratio).toBe(0.5);
    const missing = figure({ ...base, better: 'lower', kamajiTs: notMeasured('no controllers'), peer: measured([1]) });
    expect(missing.ratio).toBeNull();
    expect(verdict(missing)).toBe('');
  });

  test('within five percent is on par', () => {
    expect(verdict(figure({ ...base, better: 'lower', kamajiTs: measured([103]), peer: measured([100]) }))).toBe('on par');
  });
});

describe('formatTable', () => {
  test('one row per figure, p99 beside the median, and every gap explained beneath', () => {
    const table = formatTable([
      figure({ ...base, better: 'lower', kamajiTs: measured([1, 2, 3]), peer: measured([2, 4, 6]) }),
      figure({ ...base, name: 'Ready', unit: 's', better: 'lower', kamajiTs: notMeasured('no controllers'), peer: claimed(16, 'Kamaji docs') }),
    ]);
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^figure\s+unit\s+Kamaji-TS median \(p99\)/);
    expect(lines[2]).toContain('2.00 (p99 3.00)');
    expect(lines[2]).toContain('4.00 (p99 6.00)');
    expect(lines[3]).toContain('not measured');
    expect(lines[3]).toContain('16.0 (claimed)');
    expect(table).toContain('1 reads: Ready, Kamaji-TS not measured: no controllers');
    expect(table).toContain('peer figure claimed by Kamaji docs, not measured here');
  });
});

describe('formatNumber', () => {
  test('three significant figures without exponents', () => {
    expect(formatNumber(12345.6)).toBe('12,346');
    expect(formatNumber(12.345)).toBe('12.3');
    expect(formatNumber(1.2345)).toBe('1.23');
    expect(formatNumber(0.012345)).toBe('0.012');
    expect(formatNumber(0)).toBe('0');
  });
});
