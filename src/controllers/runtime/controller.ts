// Runs a reconcile function over a work queue with N workers. Level-based: a key carries no
// event, each reconcile re-reads the state it needs.
import type { Logger } from 'pino';
import { WorkQueue, type BackoffOptions } from './work-queue.ts';

export interface ReconcileResult {
  /** Reconcile again after this delay even though nothing failed (waiting on something). */
  requeueAfterMs?: number;
}

/** A step that failed for a reason a person can act on; the controller backs off and retries. */
export type Reconciler = (key: string) => Promise<ReconcileResult | void>;

export interface ControllerOptions {
  name: string;
  reconcile: Reconciler;
  workers: number;
  logger: Logger;
  backoff?: BackoffOptions;
}

export class Controller {
  readonly name: string;
  readonly queue: WorkQueue;
  readonly #reconcile: Reconciler;
  readonly #workers: number;
  readonly #logger: Logger;
  #running: Promise<void>[] = [];

  constructor(options: ControllerOptions) {
    this.name = options.name;
    this.queue = new WorkQueue(options.backoff);
    this.#reconcile = options.reconcile;
    this.#workers = Math.max(1, options.workers);
    this.#logger = options.logger.child({ controller: options.name });
  }

  enqueue(key: string): void {
    this.queue.add(key);
  }

  start(): void {
    for (let i = 0; i < this.#workers; i++) this.#running.push(this.#work());
  }

  /** Stops taking keys and waits for the reconciles in flight. */
  async stop(): Promise<void> {
    this.queue.shutDown();
    await Promise.all(this.#running);
    this.#running = [];
  }

  async #work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      try {
        const result = await this.#reconcile(key);
        this.queue.forget(key);
        if (result?.requeueAfterMs !== undefined) this.queue.addAfter(key, result.requeueAfterMs);
      } catch (error) {
        // The reconciler reports its failures (condition, event); here only the retry is logged.
        const retryInMs = this.queue.backoffDelay(this.queue.failures(key));
        this.#logger.debug({ key, retryInMs, err: errorMessage(error) }, 'reconcile failed, retrying');
        this.queue.addRateLimited(key);
      } finally {
        this.queue.done(key);
      }
    }
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
