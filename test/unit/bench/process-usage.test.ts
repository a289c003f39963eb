import { describe, expect, test } from 'vitest';
import { parseProcStatTicks, parseVmRssBytes } from '../../../bench/lib/process-usage.ts';

describe('parseProcStatTicks', () => {
  test('adds utime and stime (fields 14 and 15)', () => {
    const stat = '25246 (cat) R 25243 25243 15851 0 -1 4194304 99 0 0 0 170 30 0 0 20 0 1 0 184351 3133440 410';
    expect(parseProcStatTicks(stat)).toBe(200);
  });

  test('a command name with spaces and parentheses does not shift the fields', () => {
    const stat = '7 (node (main) x) S 1 7 7 0 -1 4194304 99 0 0 0 11 22 0 0 20 0 1 0 184351 3133440 410';
    expect(parseProcStatTicks(stat)).toBe(33);
  });

  test('refuses text that is not a stat line', () => {
    expect(() => parseProcStatTicks('garbage')).toThrow('unreadable');
  });
});

describe('parseVmRssBytes', () => {
  test('reads kB with the kernel’s tab and converts to bytes', () => {
    expect(parseVmRssBytes('Name:\tnode\nVmRSS:\t    2180 kB\nVmSwap:\t0 kB\n')).toBe(2180 * 1024);
  });

  test('a kernel thread has no VmRSS', () => {
    expect(() => parseVmRssBytes('Name:\tkthreadd\n')).toThrow('no VmRSS');
  });
});
