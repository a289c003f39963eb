// A rate-limited queue of keys in the manner of client-go's workqueue: a key waits at most once,
// is handed to one worker at a time (a key added while it is being processed runs again after),
// and failing keys come back after an exponentially growing delay.

export interface BackoffOptions {
  /** First retry delay; doubles per consecutive failure of the same key. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/** client-go's controller defaults: 5 ms doubling up to 1000 s. */
export const defaultBackoff: BackoffOptions = { baseDelayMs: 5, maxDelayMs: 1_000_000 };

export class WorkQueue {
  readonly #backoff: BackoffOptions;
  /** Keys waiting for a worker, in order. */
  readonly #queue: string[] = [];
  /** Keys that are queued or must be queued again once their processing ends. */
  readonly #dirty = new Set<string>();
  readonly #processing = new Set<string>();
  readonly #failures = new Map<string, number>();
  readonly #timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  readonly #waiters: ((key: string | undefined) => void)[] = [];
  #shuttingDown = false;

  constructor(backoff: BackoffOptions = defaultBackoff) {
    this.#backoff = backoff;
  }

  add(key: string): void {
    if (this.#shuttingDown || this.#dirty.has(key)) return;
    this.#dirty.add(key);
    if (this.#processing.has(key)) return;
    const waiter = this.#waiters.shift();
    if (waiter) {
      this.#dirty.delete(key);
      this.#processing.add(key);
      waiter(key);
    } else {
      this.#queue.push(key);
    }
  }

  /** Adds the key after `delayMs`; an earlier pending delay for the same key wins. */
  addAfter(key: string, delayMs: number): void {
    if (this.#shuttingDown) return;
    if (delayMs <= 0) return this.add(key);
    const at = Date.now() + delayMs;
    const pending = this.#timers.get(key);
    if (pending && pending.at <= at) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.#timers.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref();
    this.#timers.set(key, { at, timer });
  }

  /** Adds the key after its backoff delay and counts the failure. */
  addRateLimited(key: string): void {
    const failures = this.#failures.get(key) ?? 0;
    this.#failures.set(key, failures + 1);
    this.addAfter(key, this.backoffDelay(failures));
  }

  /** The delay after `failures` earlier consecutive failures. */
  backoffDelay(failures: number): number {
    return Math.min(this.#backoff.baseDelayMs * 2 ** Math.min(failures, 52), this.#backoff.maxDelayMs);
  }

  /** Forgets the key's failures (after a success). */
  forget(key: string): void {
    this.#failures.delete(key);
  }

  failures(key: string): number {
    return this.#failures.get(key) ?? 0;
  }

  /** Waits for the next key; undefined once the queue shuts down. Call done(key) after processing. */
  get(): Promise<string | undefined> {
    const key = this.#queue.shift();
    if (key !== undefined) {
      this.#dirty.delete(key);
      this.#processing.add(key);
      return Promise.resolve(key);
    }
    if (this.#shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  done(key: string): void {
    this.#processing.delete(key);
    if (this.#dirty.has(key)) {
      this.#dirty.delete(key);
      this.add(key);
    }
  }

  get length(): number {
    return this.#queue.length;
  }

  shutDown(): void {
    this.#shuttingDown = true;
    for (const { timer } of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    for (const waiter of this.#waiters.splice(0)) waiter(undefined);
  }
}
