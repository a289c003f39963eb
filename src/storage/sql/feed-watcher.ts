// One watch on the feed: filters by prefix, delivers each revision once and in order, and buffers
// live events while its history is still being read.

import type { StorageWatch, StorageWatchEvent, WatchListener } from '../storage.ts';
import { GAP_NAME, toWatchEvent, type LogRow } from './log-row.ts';

export class FeedWatcher implements StorageWatch {
  readonly #prefix: string;
  readonly #listener: WatchListener;
  readonly #onClose: (watcher: FeedWatcher) => void;
  #position: number;
  #buffer: StorageWatchEvent[] | undefined = [];
  #closed = false;

  constructor(prefix: string, afterRevision: number, listener: WatchListener, onClose: (watcher: FeedWatcher) => void) {
    this.#prefix = prefix;
    this.#position = afterRevision;
    this.#listener = listener;
    this.#onClose = onClose;
  }

  /** The revision of the last event delivered (or the starting revision). */
  get position(): number {
    return this.#position;
  }

  /** A row read from history, before the watcher went live. */
  history(row: LogRow): void {
    if (row.name === GAP_NAME || !row.name.startsWith(this.#prefix)) return;
    this.#deliver(toWatchEvent(row));
  }

  /** A live event from the feed: held back until history is done. */
  offer(event: StorageWatchEvent): void {
    if (this.#closed || !event.key.startsWith(this.#prefix)) return;
    if (this.#buffer !== undefined) this.#buffer.push(event);
    else this.#deliver(event);
  }

  /** History is complete: deliver what arrived meanwhile, then everything as it comes. */
  live(): void {
    const buffered = this.#buffer ?? [];
    this.#buffer = undefined;
    for (const event of buffered) this.#deliver(event);
  }

  fail(error: Error): void {
    if (this.#closed) return;
    this.close();
    this.#listener.onError(error);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#buffer = undefined;
    this.#onClose(this);
  }

  #deliver(event: StorageWatchEvent): void {
    if (this.#closed || event.modRevision <= this.#position) return;
    this.#position = event.modRevision;
    try {
      this.#listener.onEvent(event);
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
