// The retry bound, with a fake store that always loses the race (the real retry loop runs in the
// conformance suite against every driver).
import { describe, expect, it } from 'vitest';
import { RevisionConflictError } from '../../../src/storage/errors.ts';
import { DELETE_KEY, guaranteedUpdate } from '../../../src/storage/guaranteed-update.ts';
import { MemoryStorage } from '../../../src/storage/memory.ts';
import type { Storage, StoredValue } from '../../../src/storage/storage.ts';

/** A memory store whose every update loses to a concurrent writer. */
class AlwaysConflicting extends MemoryStorage implements Storage {
  override async update(key: string, _value: Uint8Array, expectedModRevision: number): Promise<StoredValue> {
    throw new RevisionConflictError(key, expectedModRevision + 1);
  }
}

describe('guaranteedUpdate', () => {
  it('gives up after maxAttempts, throwing the last conflict', async () => {
    const store = new AlwaysConflicting();
    await store.create('/g/a', new Uint8Array([1]));
    let attempts = 0;
    const update = guaranteedUpdate(
      store,
      '/g/a',
      () => {
        attempts += 1;
        return new Uint8Array([attempts + 1]);
      },
      { maxAttempts: 4 },
    );
    await expect(update).rejects.toBeInstanceOf(RevisionConflictError);
    expect(attempts).toBe(4);
  });
});

/** A memory store counting its reads. */
class CountingReads extends MemoryStorage implements Storage {
  gets = 0;
  override async get(key: string): Promise<StoredValue | undefined> {
    this.gets += 1;
    return super.get(key);
  }
}

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (value: StoredValue | undefined) => (value ? new TextDecoder().decode(value.value) : undefined);

describe('guaranteedUpdate from a suggestion', () => {
  it('writes without reading when the suggestion is current, including "absent"', async () => {
    const store = new CountingReads();
    const created = await guaranteedUpdate(store, '/g/a', () => bytes('1'), { current: 'absent' });
    const updated = await guaranteedUpdate(store, '/g/a', (current) => bytes(`${text(current)}2`), { current: created! });
    expect(text(updated)).toBe('12');
    expect(store.gets).toBe(0);
  });

  it('re-reads before it reports an error computed from the suggestion, and retries when storage moved on', async () => {
    const store = new CountingReads();
    const stale = await store.create('/g/a', bytes('old'));
    await store.update('/g/a', bytes('new'), stale.modRevision);
    const seen: (string | undefined)[] = [];
    const result = await guaranteedUpdate(
      store,
      '/g/a',
      (current) => {
        seen.push(text(current));
        if (text(current) === 'old') throw new Error('refused the old value');
        return bytes('newer');
      },
      { current: stale },
    );
    expect(seen).toEqual(['old', 'new']);
    expect(text(result)).toBe('newer');
    expect(store.gets).toBe(1);
  });

  it('passes on the error when storage holds the suggested value, after one read', async () => {
    const store = new CountingReads();
    const current = await store.create('/g/a', bytes('x'));
    const refusal = new Error('no');
    await expect(guaranteedUpdate(store, '/g/a', () => Promise.reject(refusal), { current })).rejects.toBe(refusal);
    await expect(guaranteedUpdate(store, '/g/b', () => Promise.reject(refusal), { current: 'absent' })).rejects.toBe(refusal);
    expect(store.gets).toBe(2);
  });

  it('confirms a no-op with one read', async () => {
    const store = new CountingReads();
    const current = await store.create('/g/a', bytes('x'));
    const result = await guaranteedUpdate(store, '/g/a', () => undefined, { current });
    expect(result!.modRevision).toBe(current.modRevision);
    expect(store.gets).toBe(1);
  });

  it('DELETE_KEY deletes the value it saw, and retries on the fresh one after losing a race', async () => {
    const store = new CountingReads();
    const stale = await store.create('/g/a', bytes('1'));
    const fresh = await store.update('/g/a', bytes('2'), stale.modRevision);
    const seen: (string | undefined)[] = [];
    const deleted = await guaranteedUpdate(
      store,
      '/g/a',
      (current) => {
        seen.push(text(current));
        return DELETE_KEY;
      },
      { current: stale },
    );
    expect(seen).toEqual(['1', '2']);
    expect(text(deleted)).toBe('2');
    expect(deleted!.modRevision).toBeGreaterThan(fresh.modRevision);
    expect(await store.get('/g/a')).toBeUndefined();
  });
});
