import pino from 'pino';
import { describe, expect, test } from 'vitest';
import { Controller } from '../../../../src/controllers/runtime/controller.ts';

const logger = pino({ level: 'silent' });

describe('Controller', () => {
  test('a failing key is retried with backoff until it succeeds', async () => {
    const attempts: string[] = [];
    const controller = new Controller({
      name: 'test',
      workers: 2,
      logger,
      backoff: { baseDelayMs: 1, maxDelayMs: 10 },
      reconcile: async (key) => {
        attempts.push(key);
        if (attempts.length < 3) throw new Error('not yet');
      },
    });
    controller.start();
    controller.enqueue('ns/a');
    await expect.poll(() => attempts.length).toBe(3);
    await controller.stop();
    expect(attempts).toEqual(['ns/a', 'ns/a', 'ns/a']);
  });

  test('one key is never reconciled twice at once; events during a pass cause exactly one more pass', async () => {
    let running = 0;
    let overlap = false;
    let passes = 0;
    let release!: () => void;
    const firstPassHeld = new Promise<void>((resolve) => (release = resolve));
    const controller = new Controller({
      name: 'test',
      workers: 4,
      logger,
      reconcile: async () => {
        running++;
        if (running > 1) overlap = true;
        passes++;
        if (passes === 1) await firstPassHeld;
        running--;
      },
    });
    controller.start();
    controller.enqueue('ns/a');
    await expect.poll(() => passes).toBe(1);
    controller.enqueue('ns/a');
    controller.enqueue('ns/a');
    release();
    await expect.poll(() => passes).toBe(2);
    await controller.stop();
    expect(overlap).toBe(false);
    expect(passes).toBe(2);
  });

  test('requeueAfter brings the key back without a failure', async () => {
    let passes = 0;
    const controller = new Controller({
      name: 'test',
      workers: 1,
      logger,
      reconcile: async () => {
        passes++;
        return passes === 1 ? { requeueAfterMs: 5 } : {};
      },
    });
    controller.start();
    controller.enqueue('ns/a');
    await expect.poll(() => passes).toBe(2);
    await controller.stop();
  });
});
