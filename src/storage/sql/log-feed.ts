// The watch feed: turns the log into an ordered stream of events without losing or reordering any,
// however many replicas write at once.
//
// Revisions come from a sequence, so they are handed out in one order but may commit in another: a
// writer can hold revision 9 uncommitted while 10 is already visible. A reader that took 10 and moved
// on would never see 9. The feed therefore only advances over a contiguous run of revisions. At a
// gap it inserts a filler row with the missing id: that insert waits for a writer still holding the
// id and then fails (the real row is there: read it again), or succeeds because the id was abandoned
// (a rolled-back or conflicting insert) — or because its writer had not inserted yet, in which case
// that writer fails on the primary key and retries with a new id. Either way the id is settled for
// good, in the database, for every replica.
//
// `resolved` is the highest revision up to which every id is settled and dispatched. Reads at "the
// latest revision" use it (after catching up), so a list's revision is always a point a watch can
// continue from without missing anything.

import { CompactedError } from '../errors.ts';
import type { StorageWatch, WatchListener } from '../storage.ts';
import { FeedWatcher } from './feed-watcher.ts';
import type { LogQueries } from './log-queries.ts';
import { GAP_NAME, toWatchEvent, type LogRow } from './log-row.ts';

const BATCH = 500;

export class LogFeed {
  readonly #queries: LogQueries;
  readonly #isDuplicate: (error: unknown) => boolean;
  readonly #watchers = new Set<FeedWatcher>();
  #resolved = 0;
  #running: Promise<void> | undefined;
  #queued: Promise<void> | undefined;

  /** `isDuplicate` recognises the dialect's duplicate-primary-key failure. */
  constructor(queries: LogQueries, isDuplicate: (error: unknown) => boolean) {
    this.#queries = queries;
    this.#isDuplicate = isDuplicate;
  }

  get resolved(): number {
    return this.#resolved;
  }

  get watching(): boolean {
    return this.#watchers.size > 0;
  }

  /** Starts from the compacted revision and settles everything after it. */
  async start(): Promise<void> {
    this.#resolved = await this.#queries.compactedRevision();
    await this.catchUp();
  }

  /** Settles every revision committed before this call; returns the resolved revision. */
  async catchUp(): Promise<number> {
    const newest = await this.#queries.maxRevision();
    while (this.#resolved < newest) await this.pump();
    return this.#resolved;
  }

  /** Reads and dispatches whatever is new. Concurrent calls share one run, plus at most one more after it. */
  pump(): Promise<void> {
    if (this.#running === undefined) {
      this.#running = this.#run().finally(() => {
        this.#running = undefined;
      });
      return this.#running;
    }
    this.#queued ??= this.#running
      .catch(() => undefined)
      .then(() => {
        this.#queued = undefined;
        return this.pump();
      });
    return this.#queued;
  }

  /**
   * Registers a watcher for events after `afterRevision`: history first (read from the log), then live
   * events, with nothing lost or repeated at the seam. Rejects with CompactedError if that history is gone.
   */
  async watch(prefix: string, afterRevision: number, listener: WatchListener): Promise<StorageWatch> {
    const watcher = new FeedWatcher(prefix, afterRevision, listener, (closed) => this.#watchers.delete(closed));
    // From here on live events buffer in the watcher; the history read covers (afterRevision, seam].
    this.#watchers.add(watcher);
    const seam = this.#resolved;
    try {
      let after = afterRevision;
      while (after < seam) {
        const page = await this.#queries.rowsAfter(after, BATCH, { prefix, upTo: seam });
        if (page.compacted > afterRevision) throw new CompactedError(afterRevision, page.compacted);
        for (const row of page.rows) watcher.history(row);
        const last = page.rows.at(-1);
        after = page.rows.length < BATCH || last === undefined ? seam : last.id;
      }
    } catch (error) {
      watcher.close();
      throw error;
    }
    watcher.live();
    return watcher;
  }

  /** Ends every watch (the storage is closing). */
  closeAll(): void {
    for (const watcher of [...this.#watchers]) watcher.close();
  }

  async #run(): Promise<void> {
    for (;;) {
      const withValues = this.#watchers.size > 0;
      const start = this.#resolved;
      let compacted: number;
      let rows: Pick<LogRow, 'id'>[];
      if (withValues) {
        ({ compacted, rows } = await this.#queries.rowsAfter(start, BATCH));
      } else {
        const page = await this.#queries.idsAfter(start, BATCH);
        compacted = page.compacted;
        rows = page.ids.map((id) => ({ id }));
      }
      // Someone started watching while only ids were read: read again, with values.
      if (!withValues && this.#watchers.size > 0) continue;
      if (compacted > this.#resolved) {
        this.#overrun(compacted);
        continue;
      }
      let contiguous = true;
      for (const row of rows) {
        if (row.id !== this.#resolved + 1) {
          await this.#fillGaps(this.#resolved + 1, row.id - 1);
          contiguous = false;
          break;
        }
        this.#resolved = row.id;
        if (withValues) this.#dispatch(row as LogRow);
      }
      if (contiguous && rows.length < BATCH) return;
    }
  }

  async #fillGaps(from: number, to: number): Promise<void> {
    for (let id = from; id <= to; id++) {
      try {
        await this.#queries.fillGap(id);
      } catch (error) {
        // The real row (or another replica's filler) holds the id: the next read returns it.
        if (!this.#isDuplicate(error)) throw error;
      }
    }
  }

  // Compaction removed revisions this feed had not read yet (it was cut off for longer than the
  // compaction window): its watches cannot be continued, they end with 410.
  #overrun(compacted: number): void {
    for (const watcher of [...this.#watchers]) watcher.fail(new CompactedError(watcher.position, compacted));
    this.#resolved = compacted;
  }

  #dispatch(row: LogRow): void {
    if (row.name === GAP_NAME) return;
    const event = toWatchEvent(row);
    for (const watcher of this.#watchers) watcher.offer(event);
  }
}
