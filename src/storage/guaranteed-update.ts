// Read-modify-write that survives concurrent writers: the one way the registry changes a stored key.
import { KeyExistsError, KeyNotFoundError, RevisionConflictError, StorageError } from './errors.ts';
import type { Storage, StoredValue } from './storage.ts';

/** What tryUpdate returns to delete the key, provided it still holds the value tryUpdate saw. */
export const DELETE_KEY: unique symbol = Symbol('delete the key');

type UpdateResult = Uint8Array | undefined | typeof DELETE_KEY;

/**
 * Computes the new bytes from the current value (undefined: the key does not exist).
 * Returning undefined means "leave it as it is", DELETE_KEY "delete it". Throwing aborts the
 * update with that error. May be called several times: keep it free of side effects other than
 * the returned bytes.
 */
export type TryUpdate = (current: StoredValue | undefined) => UpdateResult | Promise<UpdateResult>;

export interface GuaranteedUpdateOptions {
  /**
   * What the caller already holds (e.g. from a watch cache), used for the first attempt instead of
   * a read: a value, or 'absent' when it believes the key does not exist. It may be stale: a
   * conflicting write costs one re-read and retry, and before a no-op or an error computed from it
   * is reported, the key is read again to confirm it (as kube-apiserver's GuaranteedUpdate does
   * with its cached suggestion).
   */
  current?: StoredValue | 'absent';
  /** Give up after this many conflicting attempts (default 100), throwing the last conflict. */
  maxAttempts?: number;
}

const DEFAULT_MAX_ATTEMPTS = 100;

/**
 * Applies `tryUpdate` to the key until its write wins: a conflicting write by someone else, a
 * concurrent create or a concurrent delete makes it re-read and try again with the fresh value.
 * Resolves to the value now stored (undefined if the key is absent and was left so), or after
 * DELETE_KEY to the deleted value with the delete's revision as modRevision.
 * Writing the same bytes again is skipped, as Kubernetes does not bump resourceVersion for no-ops.
 */
export async function guaranteedUpdate(
  storage: Storage,
  key: string,
  tryUpdate: TryUpdate,
  options: GuaranteedUpdateOptions = {},
): Promise<StoredValue | undefined> {
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  let fresh = options.current === undefined;
  let current = options.current === undefined ? await storage.get(key) : options.current === 'absent' ? undefined : options.current;
  /** Reads the stored state after an answer computed from a suggestion; true if the suggestion was stale. */
  const staleSuggestion = async (): Promise<boolean> => {
    if (fresh) return false;
    const seen = current?.modRevision;
    current = await storage.get(key);
    fresh = true;
    return current?.modRevision !== seen;
  };
  for (let attempt = 1; ; attempt++) {
    let updated: UpdateResult;
    try {
      updated = await tryUpdate(current);
    } catch (error) {
      // Perhaps refused because the suggestion was stale: only the stored state may refuse.
      if (await staleSuggestion()) continue;
      throw error;
    }
    if (updated === DELETE_KEY && !current) updated = undefined;
    if (updated === undefined || (updated !== DELETE_KEY && current && sameBytes(current.value, updated))) {
      // Only a fresh read may be reported as the stored state.
      if (await staleSuggestion()) continue;
      return current;
    }
    try {
      // A write or delete conditional on the revision it was computed from confirms a suggestion.
      if (updated === DELETE_KEY) return await storage.delete(key, current!.modRevision);
      return current
        ? await storage.update(key, updated, current.modRevision)
        : await storage.create(key, updated);
    } catch (error) {
      if (!isLostRace(error) || attempt >= maxAttempts) throw error;
    }
    current = await storage.get(key);
    fresh = true;
  }
}

function isLostRace(error: unknown): error is StorageError {
  return error instanceof RevisionConflictError || error instanceof KeyExistsError || error instanceof KeyNotFoundError;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}
