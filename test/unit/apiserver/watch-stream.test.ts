import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, test } from 'vitest';
import type { KubeObject } from '../../../src/apis/meta.ts';
import { negotiateOutput, WATCH_ENDPOINT } from '../../../src/apiserver/negotiation.ts';
import { watchEventEncoder } from '../../../src/apiserver/transform.ts';
import { streamWatch, WatchTracker } from '../../../src/apiserver/watch-stream.ts';
import type { ResourceStore, WatchRequest } from '../../../src/registry/store.ts';
import { setup, user, widget, widgets } from '../registry/fixtures.ts';

/** A response that records what the stream writes, chunk by chunk. */
class RecordingResponse extends EventEmitter {
  readonly chunks: (string | Uint8Array)[] = [];
  writableEnded = false;
  writableLength = 0;
  #waiters: (() => void)[] = [];
  writeHead(): this {
    return this;
  }
  flushHeaders(): void {}
  write(chunk: string | Uint8Array): boolean {
    this.chunks.push(chunk);
    for (const wake of this.#waiters.splice(0)) wake();
    return true;
  }
  end(): void {
    this.writableEnded = true;
    for (const wake of this.#waiters.splice(0)) wake();
    this.emit('close');
  }
  /** Resolves once `n` frames were written (or the stream ended). */
  async frames(n: number): Promise<{ type: string; object: any }[]> {
    while (this.chunks.length < n && !this.writableEnded) await new Promise<void>((resolve) => this.#waiters.push(resolve));
    return this.chunks.map((chunk) => JSON.parse(Buffer.from(chunk).toString('utf8')) as { type: string; object: any });
  }
}

const tracker = new WatchTracker();
afterEach(() => tracker.closeAll());

const JSON_ACCEPT = 'application/json';
const METADATA_ACCEPT = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1';
const TABLE_ACCEPT = 'application/json;as=Table;g=meta.k8s.io;v=v1';

async function open(store: ResourceStore, accept: string, request: WatchRequest = { resourceVersion: '0' }) {
  const res = new RecordingResponse();
  const output = negotiateOutput(accept, WATCH_ENDPOINT);
  const done = streamWatch({
    store,
    request,
    timeoutSeconds: 3600,
    req: new EventEmitter() as IncomingMessage,
    res: res as unknown as ServerResponse,
    tracker,
    encode: watchEventEncoder({ output, columns: widgets.printerColumns, includeObject: 'Metadata' }),
  });
  // The stream registers with the store before anything can be written.
  await new Promise((resolve) => setImmediate(resolve));
  return { res, done };
}

const labelled = (name: string, tier: string) => widget(name, { size: 2 }, { metadata: { name, labels: { tier } } });

describe('watch stream', () => {
  test('watchers of one encoding are sent the same frame bytes; filters and encodings stay per watcher', async () => {
    const { store } = setup();
    const plain = await Promise.all([1, 2, 3].map(() => open(store, JSON_ACCEPT)));
    const web = await open(store, JSON_ACCEPT, { resourceVersion: '0', labelSelector: 'tier=web' });
    const metadata = await Promise.all([1, 2].map(() => open(store, METADATA_ACCEPT)));
    const table = await open(store, TABLE_ACCEPT);

    const a = (await store.create('ns1', labelled('a', 'web'), { user })).object;
    const b = (await store.create('ns1', labelled('b', 'db'), { user })).object;
    const deleted = (await store.delete('ns1', 'a', { user })).object;

    const [first, ...others] = plain.map(({ res }) => res);
    const frames = await first!.frames(3);
    expect(frames.map((f) => `${f.type} ${f.object.metadata.name}`)).toEqual(['ADDED a', 'ADDED b', 'DELETED a']);
    expect(frames[0]!.object).toEqual(a);
    expect(frames[1]!.object).toEqual(b);
    expect(frames[2]!.object.metadata.resourceVersion).toBe(deleted.metadata.resourceVersion);
    // The very same bytes, serialized once: one Buffer object written to every stream.
    expect(first!.chunks.every((chunk) => Buffer.isBuffer(chunk))).toBe(true);
    for (const other of others) {
      await other.frames(3);
      other.chunks.forEach((chunk, i) => expect(chunk).toBe(first!.chunks[i]));
    }

    const webFrames = await web.res.frames(2);
    expect(webFrames.map((f) => `${f.type} ${f.object.metadata.name}`)).toEqual(['ADDED a', 'DELETED a']);
    expect(web.res.chunks[0]).toBe(first!.chunks[0]);

    const [m1, m2] = await Promise.all(metadata.map(({ res }) => res.frames(3)));
    expect(m1!.map((f) => f.object.kind)).toEqual(['PartialObjectMetadata', 'PartialObjectMetadata', 'PartialObjectMetadata']);
    expect(m1![0]!.object.metadata.name).toBe('a');
    expect(m1![0]!.object.spec).toBeUndefined();
    expect(m1).toEqual(m2);
    metadata[1]!.res.chunks.forEach((chunk, i) => expect(chunk).toBe(metadata[0]!.res.chunks[i]));
    expect(metadata[0]!.res.chunks[0]).not.toBe(first!.chunks[0]);

    // A Table's column definitions go in its first frame only: never shared.
    const tableFrames = await table.res.frames(3);
    expect(tableFrames.map((f) => f.object.kind)).toEqual(['Table', 'Table', 'Table']);
    expect(tableFrames[0]!.object.columnDefinitions.length).toBeGreaterThan(0);
    expect(tableFrames[1]!.object.columnDefinitions).toEqual([]);
  });

  test('an in-process watcher that changes its object changes neither another watcher nor the stream', async () => {
    const { store } = setup();
    const stream = await open(store, JSON_ACCEPT);
    let changed: KubeObject | undefined;
    const subscription = await store.watch({ resourceVersion: '0' }, (event) => {
      changed = event.object as KubeObject;
      changed.spec!.size = 99;
    });
    const created = (await store.create('ns1', widget('a'), { user })).object;
    const [frame] = await stream.res.frames(1);
    subscription.close();
    expect(changed?.spec!.size).toBe(99);
    expect(frame!.object).toEqual(created);
    expect(frame!.object.spec.size).toBe(2);
  });

  test('the initial-events-end bookmark is still sent after the initial ADDED events', async () => {
    const { store } = setup();
    await store.create('ns1', widget('a'), { user });
    const { res } = await open(store, JSON_ACCEPT, { resourceVersion: '', sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: true });
    const frames = await res.frames(2);
    expect(frames.map((f) => f.type)).toEqual(['ADDED', 'BOOKMARK']);
    expect(frames[1]!.object.metadata.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
  });

  test('a client 16 MiB behind is cut off', async () => {
    const { store } = setup();
    const slow = await open(store, JSON_ACCEPT);
    const fast = await open(store, JSON_ACCEPT);
    slow.res.writableLength = 17 * 1024 * 1024;
    await store.create('ns1', widget('a'), { user });
    await slow.done;
    expect(slow.res.writableEnded).toBe(true);
    expect(slow.res.chunks).toHaveLength(1);
    await store.create('ns1', widget('b'), { user });
    expect((await fast.res.frames(2)).map((f) => f.object.metadata.name)).toEqual(['a', 'b']);
    expect(fast.res.writableEnded).toBe(false);
  });
});
