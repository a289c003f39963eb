// The retry bound, with a fake store that always loses the race (the real retry loop runs in the
// conformance suite against every driver).
import { describe, expect, it } from 'vitest';
import { RevisionConflictError } from '../../../src/storage/errors.ts';
import { guaranteedUpdate } from '../../../src/storage/guaranteed-update.ts';
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
