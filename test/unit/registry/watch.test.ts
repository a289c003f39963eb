import { afterEach, describe, expect, test } from 'vitest';
import type { KubeObject, Status } from '../../../src/apis/meta.ts';
import type { ManagedResourceStore } from '../../../src/registry/resource-store.ts';
import { collect, newStore, statusOf, summary, user, widget } from './fixtures.ts';

const stores: ManagedResourceStore[] = [];
const closers: (() => void)[] = [];
function setup(...args: Parameters<typeof newStore>) {
  const made = newStore(...args);
  stores.push(made.store);
  return made;
}
async function watching(...args: Parameters<typeof collect>) {
  const w = await collect(...args);
  closers.push(w.close);
  return w;
}
afterEach(() => {
  for (const c of closers.splice(0)) c();
  for (const s of stores.splice(0)) s.close();
});

const labelled = (name: string, labels: Record<string, string>, ns = 'ns1') => [ns, widget(name, { size: 2 }, { metadata: { name, labels } })] as const;
const rv = (e: { object: unknown }) => (e.object as KubeObject).metadata.resourceVersion;

describe('watch', () => {
  test('without resourceVersion: ADDED for every current object, then changes', async () => {
    const { store } = setup();
    await store.create('ns1', widget('a'), { user });
    await store.create('ns2', widget('b'), { user });
    const w = await watching(store, {});
    expect(summary(await w.next(2))).toEqual(['ADDED a', 'ADDED b']);
    const a = await store.get('ns1', 'a');
    const modified = (await store.update('ns1', 'a', { ...a, spec: { size: 5 } }, { user })).object;
    const [m] = await w.next();
    expect(m!.type).toBe('MODIFIED');
    expect(rv(m!)).toBe(modified.metadata.resourceVersion);
    const deleted = await store.delete('ns1', 'a', { user });
    const [d] = await w.next();
    expect(d).toMatchObject({ type: 'DELETED' });
    expect((d!.object as KubeObject).spec).toEqual(modified.spec);
    expect(rv(d!)).toBe(deleted.object.metadata.resourceVersion);
    expect(Number(rv(d!))).toBeGreaterThan(Number(modified.metadata.resourceVersion));
  });

  test('namespace scoping', async () => {
    const { store } = setup();
    const w = await watching(store, { namespace: 'ns2', resourceVersion: '0' });
    await store.create('ns1', widget('a'), { user });
    await store.create('ns2', widget('b'), { user });
    expect(summary(await w.next())).toEqual(['ADDED b']);
    expect(w.events).toHaveLength(1);
  });

  test('from a resourceVersion: only later events, replayed from history', async () => {
    const { store } = setup();
    const a = (await store.create('ns1', widget('a'), { user })).object;
    await store.create('ns1', widget('b'), { user });
    await store.delete('ns1', 'a', { user });
    const w = await watching(store, { resourceVersion: a.metadata.resourceVersion! });
    expect(summary(await w.next(2))).toEqual(['ADDED b', 'DELETED a']);
  });

  test('label selector transitions: stops matching ⇒ DELETED, starts matching ⇒ ADDED', async () => {
    const { store } = setup();
    const w = await watching(store, { labelSelector: 'tier=web', resourceVersion: '0' });
    await store.create(...labelled('a', { tier: 'db' }), { user });
    const a = (await store.patch('ns1', 'a', 'merge', JSON.stringify({ metadata: { labels: { tier: 'web' } } }), { user })).object;
    const [added] = await w.next();
    expect(added).toMatchObject({ type: 'ADDED' });
    expect(rv(added!)).toBe(a.metadata.resourceVersion);
    await store.patch('ns1', 'a', 'merge', JSON.stringify({ spec: { size: 3 } }), { user });
    expect(summary(await w.next())).toEqual(['MODIFIED a']);
    const moved = (await store.patch('ns1', 'a', 'merge', JSON.stringify({ metadata: { labels: { tier: 'db' } } }), { user })).object;
    const [gone] = await w.next();
    expect(gone!.type).toBe('DELETED');
    // The last state that matched, at the revision of the change.
    expect((gone!.object as KubeObject).metadata.labels).toEqual({ tier: 'web' });
    expect(rv(gone!)).toBe(moved.metadata.resourceVersion);
    await store.delete('ns1', 'a', { user });
    await store.create(...labelled('b', { tier: 'web' }), { user });
    expect(summary(await w.next())).toEqual(['ADDED b']);
  });

  test('field selector metadata.name (single-object watches)', async () => {
    const { store } = setup();
    const w = await watching(store, { fieldSelector: 'metadata.name=b', resourceVersion: '0' });
    await store.create('ns1', widget('a'), { user });
    await store.create('ns1', widget('b'), { user });
    expect(summary(await w.next())).toEqual(['ADDED b']);
  });

  test('bad selector: 400 before the watch starts', async () => {
    const { store } = setup();
    expect((await statusOf(() => store.watch({ fieldSelector: 'status.phase=x' }, () => {}))).code).toBe(400);
  });

  test('resourceVersion older than history and storage: ERROR 410 Expired, then the watch ends', async () => {
    const { store, storage } = setup({ watchCache: { historyLimit: 2 } });
    const first = (await store.create('ns1', widget('a'), { user })).object;
    for (const name of ['b', 'c', 'd', 'e']) await store.create('ns1', widget(name), { user });
    const current = await storage.currentRevision();
    await storage.compact(current - 1);
    const w = await watching(store, { resourceVersion: first.metadata.resourceVersion! });
    const [error] = await w.next();
    expect(error!.type).toBe('ERROR');
    expect(error!.object as Status).toMatchObject({
      kind: 'Status',
      code: 410,
      reason: 'Expired',
      message: `too old resource version: ${first.metadata.resourceVersion} (${current - 1})`,
    });
    await w.subscription.done;
  });

  test('resourceVersion older than the cache history but kept by storage: served from storage', async () => {
    const { store } = setup({ watchCache: { historyLimit: 1 } });
    const first = (await store.create('ns1', widget('a'), { user })).object;
    for (const name of ['b', 'c', 'd']) await store.create('ns1', widget(name), { user });
    const w = await watching(store, { resourceVersion: first.metadata.resourceVersion! });
    expect(summary(await w.next(3))).toEqual(['ADDED b', 'ADDED c', 'ADDED d']);
    await store.create('ns1', widget('e'), { user });
    expect(summary(await w.next())).toEqual(['ADDED e']);
  });

  test('resourceVersion from the future: 504 ResourceVersionTooLarge', async () => {
    const { store, storage } = setup();
    const future = String((await storage.currentRevision()) + 50);
    expect(await statusOf(() => store.watch({ resourceVersion: future }, () => {}))).toMatchObject({
      code: 504,
      reason: 'Timeout',
      details: { causes: [{ reason: 'ResourceVersionTooLarge' }] },
    });
  });

  test('bookmarks on request only when allowed, carrying the current revision', async () => {
    const { store, storage } = setup();
    await store.create('ns1', widget('a'), { user });
    const allowed = await watching(store, { resourceVersion: '0', allowWatchBookmarks: true, labelSelector: 'none=here' });
    const silent = await watching(store, { resourceVersion: '0' });
    await store.create('ns1', widget('b'), { user });
    expect(summary(await silent.next(2))).toEqual(['ADDED a', 'ADDED b']);
    allowed.subscription.requestBookmark();
    silent.subscription.requestBookmark();
    const [bookmark] = await allowed.next();
    expect(bookmark).toEqual({
      type: 'BOOKMARK',
      object: { apiVersion: 'example.kamaji.io/v1', kind: 'Widget', metadata: { resourceVersion: String(await storage.currentRevision()) } },
    });
    await store.create('ns1', widget('c'), { user });
    expect(summary(await silent.next())).toEqual(['ADDED c']);
  });

  test('periodic bookmarks', async () => {
    const { store } = setup({ watchCache: { bookmarkIntervalMs: 20 } });
    const w = await watching(store, { resourceVersion: '0', allowWatchBookmarks: true });
    const [bookmark] = await w.next();
    expect(bookmark!.type).toBe('BOOKMARK');
  });

  test('watch-list: ADDED snapshot, annotated BOOKMARK at the snapshot revision, then live events', async () => {
    const { store, storage } = setup();
    await store.create('ns1', widget('a'), { user });
    await store.create('ns1', widget('b'), { user });
    const snapshot = String(await storage.currentRevision());
    const w = await watching(store, { sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: true });
    const initial = await w.next(3);
    expect(summary(initial)).toEqual(['ADDED a', 'ADDED b', 'BOOKMARK']);
    expect(initial[2]!.object).toEqual({
      apiVersion: 'example.kamaji.io/v1',
      kind: 'Widget',
      metadata: { resourceVersion: snapshot, annotations: { 'k8s.io/initial-events-end': 'true' } },
    });
    await store.create('ns1', widget('c'), { user });
    expect(summary(await w.next())).toEqual(['ADDED c']);
  });

  test('watch-list from the cache (resourceVersion 0) and with a selector', async () => {
    const { store } = setup();
    await store.create(...labelled('a', { app: 'x' }), { user });
    await store.create(...labelled('b', { app: 'y' }), { user });
    const w = await watching(store, { sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan', resourceVersion: '0', labelSelector: 'app=y' });
    const events = await w.next(2);
    expect(summary(events)).toEqual(['ADDED b', 'BOOKMARK']);
    expect((events[1]!.object as KubeObject).metadata.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
  });

  test('sendInitialEvents without resourceVersionMatch=NotOlderThan: 422', async () => {
    const { store } = setup();
    expect(await statusOf(() => store.watch({ sendInitialEvents: true }, () => {}))).toMatchObject({
      code: 422,
      message: 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan',
    });
  });

  test('a slow watcher is cut off with 410 and does not hold up the others', async () => {
    const { store } = setup({ watchCache: { queueLimit: 3 } });
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    const slowEvents: string[] = [];
    const slow = await store.watch({ resourceVersion: '0' }, (event) => {
      slowEvents.push(event.type);
      // A consumer returning a promise applies backpressure (the HTTP layer waits for 'drain').
      return blocked as unknown as void;
    });
    closers.push(() => slow.close());
    const fast = await watching(store, { resourceVersion: '0' });
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f']) await store.create('ns1', widget(name), { user });
    expect(summary(await fast.next(6))).toEqual(['ADDED a', 'ADDED b', 'ADDED c', 'ADDED d', 'ADDED e', 'ADDED f']);
    release();
    await slow.done;
    expect(slowEvents).toEqual(['ADDED', 'ERROR']);
  });

  test('close stops delivery and resolves done', async () => {
    const { store } = setup();
    const w = await watching(store, { resourceVersion: '0' });
    w.close();
    await w.subscription.done;
    await store.create('ns1', widget('a'), { user });
    await store.get('ns1', 'a');
    expect(w.events).toEqual([]);
  });

  test('events carry independent copies', async () => {
    const { store } = setup();
    const one = await watching(store, { resourceVersion: '0' });
    const two = await watching(store, { resourceVersion: '0' });
    await store.create('ns1', widget('a'), { user });
    const [e1] = await one.next();
    (e1!.object as KubeObject).metadata.name = 'mutated';
    (e1!.object as KubeObject).spec!.size = 99;
    const [e2] = await two.next();
    expect((e2!.object as KubeObject).metadata.name).toBe('a');
    expect((e2!.object as KubeObject).spec!.size).toBe(2);
    // Nor do the cache's own copy, what a list from the cache returns, or a new watcher's snapshot change.
    const listed = await store.list({ resourceVersion: '0' });
    listed.items[0]!.spec!.size = 98;
    expect((await store.list({ resourceVersion: '0' })).items[0]!.spec!.size).toBe(2);
    const three = await watching(store, { resourceVersion: '0' });
    const [e3] = await three.next();
    expect((e3!.object as KubeObject).spec!.size).toBe(2);
  });

  test('watchers sent the same state share its JSON text; reading or replacing the object unshares it', async () => {
    const { store } = setup();
    const one = await watching(store, { resourceVersion: '0' });
    const two = await watching(store, { resourceVersion: '0' });
    const created = (await store.create('ns1', widget('a'), { user })).object;
    const [e1] = await one.next();
    const [e2] = await two.next();
    expect(e1).not.toBe(e2);
    expect(e1!.shared).toBeDefined();
    expect(e1!.shared).toBe(e2!.shared);
    expect(JSON.parse(e1!.shared!.json)).toEqual(created);
    // A watcher that takes its object may change it: its event no longer claims the shared text.
    (e1!.object as KubeObject).spec!.size = 99;
    expect(e1!.shared).toBeUndefined();
    const text = e2!.shared!;
    expect(JSON.parse(text.json).spec.size).toBe(2);
    expect(JSON.parse(JSON.stringify(e1))).toEqual({ type: 'ADDED', object: { ...created, spec: { ...created.spec, size: 99 } } });
    e2!.object = { ...created, metadata: { ...created.metadata, name: 'replaced' } };
    expect(e2!.shared).toBeUndefined();
    expect((e2!.object as KubeObject).metadata.name).toBe('replaced');
    // A late watcher's initial ADDED and a replay from history share the same text too.
    const late = await watching(store, { resourceVersion: '0' });
    const replay = await watching(store, { resourceVersion: String(Number(created.metadata.resourceVersion) - 1) });
    const [initial] = await late.next();
    const [replayed] = await replay.next();
    expect(initial!.shared).toBe(text);
    expect(replayed!.shared).toBe(text);
  });

  test('a DELETED shared by watchers carries the delete resourceVersion in its text, and a filter still decides per watcher', async () => {
    const { store } = setup();
    const all = await watching(store, { resourceVersion: '0' });
    const web = await watching(store, { resourceVersion: '0', labelSelector: 'tier=web' });
    const web2 = await watching(store, { resourceVersion: '0', labelSelector: 'tier=web' });
    await store.create(...labelled('a', { tier: 'web' }), { user });
    await all.next();
    const [w1] = await web.next();
    const [w2] = await web2.next();
    expect(w1!.shared).toBe(w2!.shared);
    // Leaves the selector: MODIFIED for the watcher of all, DELETED for the web watchers.
    const a = await store.get('ns1', 'a');
    const moved = (await store.update('ns1', 'a', { ...a, metadata: { ...a.metadata, labels: { tier: 'db' } } }, { user })).object;
    const [m] = await all.next();
    const [d1] = await web.next();
    const [d2] = await web2.next();
    expect(m!.type).toBe('MODIFIED');
    expect(d1!.type).toBe('DELETED');
    expect(d1!.shared).toBe(d2!.shared);
    expect(m!.shared).not.toBe(d1!.shared);
    const gone = JSON.parse(d1!.shared!.json) as KubeObject;
    expect(gone.metadata.labels).toEqual({ tier: 'web' });
    expect(gone.metadata.resourceVersion).toBe(moved.metadata.resourceVersion);
    expect(rv(d2!)).toBe(moved.metadata.resourceVersion);
  });

  test('graceful deletion: MODIFIED when marked, DELETED when the last finalizer goes', async () => {
    const { store } = setup();
    const w = await watching(store, { resourceVersion: '0' });
    await store.create('ns1', widget('a', { size: 2 }, { metadata: { name: 'a', finalizers: ['example.com/keep'] } }), { user });
    const marked = (await store.delete('ns1', 'a', { user })).object;
    const [added, modified] = await w.next(2);
    expect(added!.type).toBe('ADDED');
    expect(modified!.type).toBe('MODIFIED');
    expect((modified!.object as KubeObject).metadata.deletionTimestamp).toBe(marked.metadata.deletionTimestamp);
    const removed = await store.update('ns1', 'a', { ...marked, metadata: { ...marked.metadata, finalizers: [] } }, { user });
    const [deleted] = await w.next();
    expect(deleted!.type).toBe('DELETED');
    expect(rv(deleted!)).toBe(removed.object.metadata.resourceVersion);
  });

  test('dryRun writes emit nothing', async () => {
    const { store } = setup();
    const w = await watching(store, { resourceVersion: '0' });
    await store.create('ns1', widget('dry'), { user, dryRun: true });
    await store.create('ns1', widget('real'), { user });
    expect(summary(await w.next())).toEqual(['ADDED real']);
  });
});
