import { describe, expect, it } from 'vitest';
import { KeyNotFoundError } from '../../../src/storage/errors.ts';
import { instrumentStorage } from '../../../src/storage/instrumented.ts';
import { MemoryStorage } from '../../../src/storage/memory.ts';

describe('instrumentStorage', () => {
  it('observes every call with its operation, duration and outcome, passing results through', async () => {
    const observed: { operation: string; seconds: number; ok: boolean }[] = [];
    const store = instrumentStorage(new MemoryStorage(), (operation, seconds, ok) => observed.push({ operation, seconds, ok }));

    const created = await store.create('/i/a', new Uint8Array([1]));
    expect((await store.get('/i/a'))!.modRevision).toBe(created.modRevision);
    await expect(store.delete('/i/missing')).rejects.toBeInstanceOf(KeyNotFoundError);
    const watch = await store.watch({ prefix: '/i/', afterRevision: created.modRevision }, { onEvent: () => {}, onError: () => {} });
    watch.close();
    await store.close();

    expect(observed.map(({ operation, ok }) => [operation, ok])).toEqual([
      ['create', true],
      ['get', true],
      ['delete', false],
      ['watch', true],
    ]);
    for (const { seconds } of observed) expect(seconds).toBeGreaterThanOrEqual(0);
  });
});
