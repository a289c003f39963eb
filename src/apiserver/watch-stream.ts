// A watch as an HTTP response: chunked newline-delimited JSON frames, each flushed as it happens
// (the aggregator only forwards what is flushed). Ends at timeoutSeconds with a bookmark so the
// client resumes without relisting, when the store ends it, or when the server shuts down.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResourceStore, SharedObjectJson, WatchEvent, WatchRequest, WatchSubscription } from '../registry/store.ts';
import { JSON_MEDIA_TYPE } from './negotiation.ts';
import type { WatchEventEncoder } from './transform.ts';

/** kube-apiserver's --min-request-timeout: watches without timeoutSeconds last a random [1800, 3600) s. */
export const MIN_REQUEST_TIMEOUT_SECONDS = 1800;
/** How long to wait for the closing bookmark before ending anyway. */
const CLOSING_BOOKMARK_WAIT_MS = 1000;
/** A client this far behind is cut off; it reconnects from its last resourceVersion. */
const MAX_UNSENT_BYTES = 16 * 1024 * 1024;

export function defaultWatchTimeoutSeconds(random: () => number = Math.random): number {
  return Math.floor(MIN_REQUEST_TIMEOUT_SECONDS * (1 + random()));
}

/** Open watches, so shutdown can end them all. */
export class WatchTracker {
  readonly #open = new Set<() => void>();

  add(close: () => void): () => void {
    this.#open.add(close);
    return () => this.#open.delete(close);
  }

  get size(): number {
    return this.#open.size;
  }

  closeAll(): void {
    for (const close of [...this.#open]) close();
  }
}

export interface WatchStreamOptions {
  store: ResourceStore;
  request: WatchRequest;
  timeoutSeconds: number | undefined;
  req: IncomingMessage;
  res: ServerResponse;
  tracker: WatchTracker;
  /** The frame's object in the negotiated form (Table, PartialObjectMetadata or as is). */
  encode: WatchEventEncoder;
  /** After each frame is written, for metrics. */
  onFrame?(event: WatchEvent, bytes: number): void;
}

/**
 * Frames already made for an event state shared by several watchers, per encoding and event type,
 * so an event is serialized once for all of them, as kube-apiserver's cacher does. They live as
 * long as the state does (the watch cache keeps it while it is current or in its history).
 */
const sharedFrames = new WeakMap<SharedObjectJson, Map<string, Buffer>>();

function frameOf(event: WatchEvent, encode: WatchEventEncoder): Buffer {
  const { shared } = event;
  if (!shared || encode.sharedAs === undefined) return Buffer.from(`${JSON.stringify({ type: event.type, object: encode(event) })}\n`);
  let frames = sharedFrames.get(shared);
  if (!frames) {
    frames = new Map();
    sharedFrames.set(shared, frames);
  }
  const name = `${encode.sharedAs} ${event.type}`;
  let frame = frames.get(name);
  if (!frame) {
    const object = encode.sharedAs === 'object' ? shared.json : JSON.stringify(encode(event));
    frame = Buffer.from(`{"type":${JSON.stringify(event.type)},"object":${object}}\n`);
    frames.set(name, frame);
  }
  return frame;
}

/**
 * Starts the watch; rejects (before anything was written) when the store refuses it, e.g. 410 for a
 * too-old resourceVersion, so the caller answers with that Status. Resolves when the stream ended.
 */
export async function streamWatch(options: WatchStreamOptions): Promise<void> {
  const { res, req } = options;
  let streaming = false;
  let ended = false;
  let closing = false;
  const pending: WatchEvent[] = [];
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));

  const write = (event: WatchEvent) => {
    const frame = frameOf(event, options.encode);
    res.write(frame);
    options.onFrame?.(event, frame.length);
    if (res.writableLength > MAX_UNSENT_BYTES) end();
  };

  let subscription: WatchSubscription | undefined;
  const end = () => {
    if (ended) return;
    ended = true;
    subscription?.close();
    untrack();
    clearTimeout(timer);
    clearTimeout(closingTimer);
    if (!res.writableEnded) res.end();
    finish();
  };

  const onEvent = (event: WatchEvent) => {
    if (ended) return;
    if (!streaming) {
      pending.push(event);
      return;
    }
    write(event);
    if (event.type === 'ERROR') end();
    else if (closing && event.type === 'BOOKMARK') end();
  };

  let closingTimer: NodeJS.Timeout | undefined;
  /** Ends with a last bookmark when the client allowed bookmarks, else at once. */
  const closeGracefully = () => {
    if (ended || closing) return;
    closing = true;
    if (!options.request.allowWatchBookmarks || !subscription) {
      end();
      return;
    }
    closingTimer = setTimeout(end, CLOSING_BOOKMARK_WAIT_MS);
    subscription.requestBookmark();
  };

  const untrack = options.tracker.add(closeGracefully);
  const timeoutSeconds = options.timeoutSeconds ?? defaultWatchTimeoutSeconds();
  const timer = setTimeout(closeGracefully, timeoutSeconds * 1000);
  req.once('close', end);
  res.once('close', end);

  try {
    subscription = await options.store.watch(options.request, onEvent);
  } catch (error) {
    ended = true;
    untrack();
    clearTimeout(timer);
    throw error;
  }
  if (ended) {
    subscription.close();
    return;
  }

  res.writeHead(200, { 'Content-Type': JSON_MEDIA_TYPE, 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  streaming = true;
  for (const event of pending.splice(0)) onEvent(event);
  void subscription.done.then(end, end);
  return finished;
}
