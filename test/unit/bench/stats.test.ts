import { describe, expect, test } from 'vitest';
import { median, percentile, summarize } from '../../../bench/lib/stats.ts';

describe('percentile (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);

  test('p99 of 1..100 is 99 and p100 is the maximum', () => {
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile(hundred, 50)).toBe(50);
  });

  test('with fewer than 100 samples p99 is the slowest sample', () => {
    expect(percentile([3, 5, 8, 13, 21], 99)).toBe(21);
    expect(percentile([7], 99)).toBe(7);
  });

  test('p99 of 1..1000 is 990', () => {
    expect(percentile(Array.from({ length: 1000 }, (_, i) => i + 1), 99)).toBe(990);
  });

  test('refuses no samples and percentiles outside (0, 100]', () => {
    expect(() => percentile([], 50)).toThrow('no samples');
    expect(() => percentile([1], 0)).toThrow('outside');
    expect(() => percentile([1], 101)).toThrow('outside');
  });
});

describe('median', () => {
  test('odd count: the middle sample; even count: the mean of the two middle ones', () => {
    expect(median([1, 2, 9])).toBe(2);
    expect(median([1, 2, 4, 9])).toBe(3);
  });
});

describe('summarize', () => {
  test('sorts before it summarizes and does not reorder the caller’s array', () => {
    const samples = [9, 1, 5, 3, 7];
    expect(summarize(samples)).toEqual({ count: 5, median: 5, p99: 9, min: 1, max: 9 });
    expect(samples).toEqual([9, 1, 5, 3, 7]);
  });
});
