import { describe, expect, test } from 'vitest';
import { WorkQueue } from '../../../../src/controllers/runtime/work-queue.ts';

describe('WorkQueue', () => {
  test('a key queued twice is handed out once', async () => {
    const queue = new WorkQueue();
    queue.add('a');
    queue.add('b');
    queue.add('a');
    expect(queue.length).toBe(2);
    expect(await queue.get()).toBe('a');
    expect(await queue.get()).toBe('b');
  });

  test('a key added while it is processed comes back once, after done', async () => {
    const queue = new WorkQueue();
    queue.add('a');
    const key = await queue.get();
    queue.add('a');
    queue.add('a');
    expect(queue.length).toBe(0);
    queue.done(key!);
    expect(queue.length).toBe(1);
    expect(await queue.get()).toBe('a');
  });

  test('a waiting worker receives the next key', async () => {
    const queue = new WorkQueue();
    const waiting = queue.get();
    queue.add('x');
    expect(await waiting).toBe('x');
  });

  test('backoff doubles per failure up to the maximum and resets on forget', () => {
    const queue = new WorkQueue({ baseDelayMs: 5, maxDelayMs: 100 });
    expect([0, 1, 2, 3, 4, 5, 10].map((n) => queue.backoffDelay(n))).toEqual([5, 10, 20, 40, 80, 100, 100]);
    queue.addRateLimited('k');
    queue.addRateLimited('k');
    expect(queue.failures('k')).toBe(2);
    queue.forget('k');
    expect(queue.failures('k')).toBe(0);
    queue.shutDown();
  });

  test('addAfter delivers the key later; the earlier of two delays wins', async () => {
    const queue = new WorkQueue();
    queue.addAfter('late', 10_000);
    queue.addAfter('late', 1);
    expect(await queue.get()).toBe('late');
    queue.shutDown();
  });

  test('shutDown releases waiting workers with undefined', async () => {
    const queue = new WorkQueue();
    const waiting = queue.get();
    queue.shutDown();
    expect(await waiting).toBeUndefined();
    queue.add('ignored');
    expect(queue.length).toBe(0);
  });
});
