// Read-modify-write that survives concurrent writers: the one way the registry changes a stored key.
import { KeyExistsError, KeyNotFoundError, RevisionConflictError, StorageError } from './errors.ts';
import type { Storage, StoredValue } from './storage.ts';

/**
 * Computes the new bytes from the current value (undefined: the key does not exist).
 * Returning undefined means "leave it as it is". Throwing aborts the update with that error.
 * May be called several times: keep it free of side effects other than the returned bytes.
 */
export type TryUpdate = (current: StoredValue | undefined) => Uint8Array | undefined | Promise<Uint8Array | undefined>;

export interface GuaranteedUpdateOptions {
  /**
   * A value the caller already holds (e.g. from a cache), used for the first attempt instead of a
   * read. If it is stale, the conflict costs one retry.
   */
  current?: StoredValue;
  /** Give up after this many conflicting attempts (default 100), throwing the last conflict. */
  maxAttempts?: number;
}

const DEFAULT_MAX_ATTEMPTS = 100;

/**
 * Applies `tryUpdate` to the key until its write wins: a conflicting write by someone else, a
 * concurrent create or a concurrent delete makes it re-read and try again with the fresh value.
 * Resolves to the value now stored (undefined if the key is absent and was left so).
 * Writing the same bytes again is skipped, as Kubernetes does not bump resourceVersion for no-ops.
 */
export async function guaranteedUpdate(
  storage: Storage,
  key: string,
  tryUpdate: TryUpdate,
  options: GuaranteedUpdateOptions = {},
): Promise<StoredValue | undefined> {
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  let current = options.current ?? (await storage.get(key));
  for (let attempt = 1; ; attempt++) {
    const updated = await tryUpdate(current);
    if (updated === undefined || (current && sameBytes(current.value, updated))) {
      if (current === options.current && current !== undefined) {
        // A cached value may be stale: only a fresh read may be reported as the stored state.
        const fresh = await storage.get(key);
        if (fresh?.modRevision === current.modRevision) return current;
        current = fresh;
        continue;
      }
      return current;
    }
    try {
      return current
        ? await storage.update(key, updated, current.modRevision)
        : await storage.create(key, updated);
    } catch (error) {
      if (!isLostRace(error) || attempt >= maxAttempts) throw error;
    }
    current = await storage.get(key);
  }
}

function isLostRace(error: unknown): error is StorageError {
  return error instanceof RevisionConflictError || error instanceof KeyExistsError || error instanceof KeyNotFoundError;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}
