import { describe, expect, test } from 'vitest';
import { coresBetween } from '../../../bench/lib/usage.ts';

describe('coresBetween', () => {
  test('sums the CPU the processes used over the window, leaving out a process that came or went', () => {
    const before = new Map([
      [1, { cpuSeconds: 10 }],
      [2, { cpuSeconds: 5 }],
      [3, { cpuSeconds: 7 }],
    ]);
    const after = new Map([
      [1, { cpuSeconds: 11.5 }],
      [2, { cpuSeconds: 5.5 }],
      [4, { cpuSeconds: 100 }],
    ]);
    expect(coresBetween(before, after, 2)).toBe(1);
    expect(coresBetween(before, after, 0)).toBe(0);
  });
});
