// What only the memory driver has; everything a driver must do is in test/conformance.
import { describe, expect, it } from 'vitest';
import { CompactedError } from '../../../src/storage/errors.ts';
import { MemoryDatastore, MemoryStorage } from '../../../src/storage/memory.ts';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('MemoryStorage', () => {
  it('keeps a bounded history window, compacting the oldest events away', async () => {
    const store = new MemoryStorage(new MemoryDatastore({ historyLimit: 3 }));
    const first = await store.create('/h/a', bytes('1'));
    let latest = first;
    for (let i = 2; i <= 6; i++) latest = await store.update('/h/a', bytes(String(i)), latest.modRevision);
    // Six writes, three kept: reads and watches reach back to three events before the newest.
    expect(await store.compactedRevision()).toBe(latest.modRevision - 2);
    await expect(store.list({ prefix: '/h/', revision: first.modRevision })).rejects.toBeInstanceOf(CompactedError);
    const oldest = await store.list({ prefix: '/h/', revision: latest.modRevision - 2 });
    expect(new TextDecoder().decode(oldest.items[0]!.value)).toBe('4');
    expect(new TextDecoder().decode((await store.get('/h/a'))!.value)).toBe('6');
  });

  it('copies values in and out, so callers cannot change stored bytes', async () => {
    const store = new MemoryStorage();
    const value = bytes('abc');
    const created = await store.create('/c/a', value);
    value[0] = 0x7a;
    created.value[1] = 0x7a;
    const read = await store.get('/c/a');
    read!.value[2] = 0x7a;
    expect(new TextDecoder().decode((await store.get('/c/a'))!.value)).toBe('abc');
  });

  it('refuses a non-positive history limit', () => {
    expect(() => new MemoryDatastore({ historyLimit: 0 })).toThrow('historyLimit must be a positive integer');
  });
});
