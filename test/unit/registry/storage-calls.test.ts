// How many storage calls each write makes: a write starts from the watch cache's copy (or from
// this process's own last write, before the watch has delivered it) instead of reading storage, as
// kube-apiserver's GuaranteedUpdate does, and confirms that copy whenever it could be stale. The
// storage's watch is held back here, so the tests decide when the cache sees a write.
import { describe, expect, test } from 'vitest';
import { instrumentStorage } from '../../../src/storage/instrumented.ts';
import type { Storage, StorageWatchEvent } from '../../../src/storage/storage.ts';
import { newStorage, setup, statusOf, user, widget } from './fixtures.ts';

/** Memory storage whose watch events wait for `settle()`, with every call counted. */
function heldStorage() {
  const inner = newStorage();
  const pending: (() => void)[] = [];
  const held: Storage = {
    get: (key) => inner.get(key),
    list: (options) => inner.list(options),
    count: (prefix) => inner.count(prefix),
    create: (key, value) => inner.create(key, value),
    update: (key, value, revision) => inner.update(key, value, revision),
    delete: (key, revision) => inner.delete(key, revision),
    watch: (options, listener) =>
      inner.watch(options, {
        onEvent: (event: StorageWatchEvent) => pending.push(() => listener.onEvent(event)),
        onError: (error) => listener.onError(error),
      }),
    currentRevision: () => inner.currentRevision(),
    compactedRevision: () => inner.compactedRevision(),
    compact: (revision) => inner.compact(revision),
    ping: () => inner.ping(),
    close: () => inner.close(),
  };
  let calls: Record<string, number> = {};
  const storage = instrumentStorage(held, (operation) => (calls[operation] = (calls[operation] ?? 0) + 1));
  return {
    storage,
    /** Another replica's writes: straight to storage, past this store. */
    inner,
    /** Delivers every event the storage has sent so far to the watch cache. */
    async settle() {
      await new Promise((resolve) => setImmediate(resolve));
      for (const deliver of pending.splice(0)) deliver();
    },
    /** The calls since the last time, without the watch cache's own list and watch. */
    calls() {
      const { list: _list, watch: _watch, ...writes } = calls;
      calls = {};
      return writes;
    },
  };
}

async function synced() {
  const held = heldStorage();
  const { store } = setup({}, held.storage as ReturnType<typeof newStorage>);
  await store.whenSynced();
  held.calls();
  return { store, ...held };
}

const withFinalizers = (name: string) => widget(name, { size: 2 }, { metadata: { name, finalizers: ['example.com/keep'] } });
const labelPatch = (value: string) => JSON.stringify({ metadata: { labels: { touched: value } } });
const applyOptions = { user, fieldManager: 'kubectl', force: true };
const applied = (size: number) => JSON.stringify(widget('a', { size }));

describe('storage calls per write, once the watch cache holds the object', () => {
  test('update (PUT), merge patch and apply of an existing object write without reading', async () => {
    const { store, settle, calls } = await synced();
    const created = (await store.create('ns1', widget('a'), { user })).object;
    await settle();
    expect(calls()).toEqual({ create: 1 });

    const put = await store.update('ns1', 'a', { ...created, spec: { size: 3 } }, { user });
    expect(calls()).toEqual({ update: 1 });
    await settle();
    await store.patch('ns1', 'a', 'merge', labelPatch('yes'), { user });
    expect(calls()).toEqual({ update: 1 });
    await settle();
    const apply = await store.patch('ns1', 'a', 'apply', applied(4), applyOptions);
    expect(calls()).toEqual({ update: 1 });
    expect(apply.object.spec).toMatchObject({ size: 4 });
    expect(Number(apply.object.metadata.resourceVersion)).toBeGreaterThan(Number(put.object.metadata.resourceVersion));
  });

  test('apply that creates reads nothing first', async () => {
    const { store, calls } = await synced();
    const result = await store.patch('ns1', 'a', 'apply', applied(2), applyOptions);
    expect(result.created).toBe(true);
    expect(calls()).toEqual({ create: 1 });
  });

  test('delete without finalizers: one delete; with finalizers: one update, then the last finalizer gone: one delete', async () => {
    const { store, settle, calls } = await synced();
    await store.create('ns1', widget('a'), { user });
    await store.create('ns1', withFinalizers('b'), { user });
    await settle();
    calls();

    expect((await store.delete('ns1', 'a', { user })).deleted).toBe(true);
    expect(calls()).toEqual({ delete: 1 });
    const marked = await store.delete('ns1', 'b', { user });
    expect(marked.object.metadata.deletionTimestamp).toBeDefined();
    expect(calls()).toEqual({ update: 1 });
    await settle();
    const removed = await store.patch('ns1', 'b', 'merge', JSON.stringify({ metadata: { finalizers: null } }), { user });
    expect(removed.object.metadata.finalizers).toBeUndefined();
    expect(calls()).toEqual({ delete: 1 });
    expect((await statusOf(() => store.get('ns1', 'b'))).code).toBe(404);
  });

  test("this process's own writes count before the watch delivers them", async () => {
    const { store, calls } = await synced();
    const created = (await store.create('ns1', withFinalizers('a'), { user })).object;
    const put = await store.update('ns1', 'a', { ...created, spec: { size: 3 } }, { user });
    await store.patch('ns1', 'a', 'apply', applied(5), applyOptions);
    await store.delete('ns1', 'a', { user });
    await store.patch('ns1', 'a', 'merge', JSON.stringify({ metadata: { finalizers: null } }), { user });
    expect(calls()).toEqual({ create: 1, update: 3, delete: 1 });
    expect(put.object.spec).toMatchObject({ size: 3 });
    // Deleted, as far as this process knows: an apply creates it again without reading.
    expect((await store.patch('ns1', 'a', 'apply', applied(6), applyOptions)).created).toBe(true);
    expect(calls()).toEqual({ create: 1 });
  });

  test('a dry run reads storage', async () => {
    const { store, settle, calls } = await synced();
    await store.create('ns1', widget('a'), { user });
    await settle();
    calls();
    await store.patch('ns1', 'a', 'merge', labelPatch('dry'), { user, dryRun: true });
    expect(calls()).toEqual({ get: 1 });
    await store.delete('ns1', 'a', { user, dryRun: true });
    expect(calls()).toEqual({ get: 1 });
    await store.patch('ns1', 'a', 'apply', applied(3), { ...applyOptions, dryRun: true });
    expect(calls()).toEqual({ get: 2 });
  });
});

describe('concurrent writers through one store', () => {
  test('every patch lands, each retried from storage after losing a race', async () => {
    const { store, settle } = await synced();
    await store.create('ns1', widget('a'), { user });
    const patches = Array.from({ length: 20 }, (_, i) => store.patch('ns1', 'a', 'merge', JSON.stringify({ metadata: { labels: { [`l${i}`]: 'x' } } }), { user }));
    await Promise.all(patches);
    await settle();
    const labels = (await store.get('ns1', 'a')).metadata.labels ?? {};
    expect(Object.keys(labels).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `l${i}`).sort());
  });
});

describe('reads', () => {
  test('get with resourceVersion 0 is answered from the watch cache, as a copy; without, from storage', async () => {
    const { store, settle, calls } = await synced();
    const created = (await store.create('ns1', widget('a'), { user })).object;
    await settle();
    calls();
    const cached = await store.get('ns1', 'a', { resourceVersion: '0' });
    expect(cached).toEqual(created);
    cached.spec!.size = 99;
    expect((await store.get('ns1', 'a', { resourceVersion: '0' })).spec!.size).toBe(2);
    expect(await statusOf(() => store.get('ns1', 'b', { resourceVersion: '0' }))).toMatchObject({ code: 404, message: 'widgets.example.kamaji.io "b" not found' });
    expect(calls()).toEqual({});
    expect(await store.get('ns1', 'a')).toEqual(created);
    expect(await store.get('ns1', 'a', { resourceVersion: created.metadata.resourceVersion! })).toEqual(created);
    expect(calls()).toEqual({ get: 2, currentRevision: 1 });
    expect((await statusOf(() => store.get('ns1', 'a', { resourceVersion: 'x' }))).code).toBe(400);
  });
});

describe('a watch cache behind another replica’s write', () => {
  /** `a` as this store's cache holds it, and a newer version written past it. */
  async function stale() {
    const held = await synced();
    const cached = (await held.store.create('ns1', withFinalizers('a'), { user })).object;
    await held.settle();
    const key = '/example.kamaji.io/widgets/ns1/a';
    const current = (await held.inner.get(key))!;
    const newer = JSON.parse(new TextDecoder().decode(current.value));
    newer.spec.size = 7;
    const written = await held.inner.update(key, new TextEncoder().encode(JSON.stringify(newer)), current.modRevision);
    held.calls();
    return { ...held, cached, newerVersion: String(written.modRevision) };
  }

  test('a PUT naming the newer resourceVersion succeeds after one read; naming the old one is a 409 as before', async () => {
    const { store, cached, newerVersion, calls } = await stale();
    const put = await store.update('ns1', 'a', { ...cached, metadata: { ...cached.metadata, resourceVersion: newerVersion }, spec: { size: 8 } }, { user });
    expect(put.object.spec).toMatchObject({ size: 8 });
    expect(calls()).toEqual({ get: 1, update: 1 });
    const refused = await statusOf(() => store.update('ns1', 'a', { ...cached, spec: { size: 9 } }, { user }));
    expect(refused).toMatchObject({
      code: 409,
      reason: 'Conflict',
      message: 'Operation cannot be fulfilled on widgets.example.kamaji.io "a": the object has been modified; please apply your changes to the latest version and try again',
    });
  });

  test('a patch loses its first write, reads, and applies to the newer object', async () => {
    const { store, calls } = await stale();
    const patched = await store.patch('ns1', 'a', 'merge', labelPatch('late'), { user });
    expect(patched.object.spec).toMatchObject({ size: 7 });
    expect(patched.object.metadata.labels).toEqual({ touched: 'late' });
    expect(calls()).toEqual({ update: 2, get: 1 });
  });

  test('delete preconditions are checked against storage before they refuse', async () => {
    const { store, cached, newerVersion, calls } = await stale();
    const wrong = await statusOf(() => store.delete('ns1', 'a', { user, preconditions: { resourceVersion: cached.metadata.resourceVersion! } }));
    expect(wrong).toMatchObject({
      code: 409,
      message: `Operation cannot be fulfilled on widgets.example.kamaji.io "a": Precondition failed: ResourceVersion in precondition: ${cached.metadata.resourceVersion}, ResourceVersion in object meta: ${newerVersion}`,
    });
    // The cached copy met it, so the write was tried and lost to the newer one.
    expect(calls()).toEqual({ update: 1, get: 1 });
    const marked = await store.delete('ns1', 'a', { user, preconditions: { resourceVersion: newerVersion } });
    // The cached copy refused it: storage, read once, has the version named.
    expect(calls()).toEqual({ get: 1, update: 1 });
    expect(marked.object.spec).toMatchObject({ size: 7 });
    expect(marked.object.metadata.deletionTimestamp).toBeDefined();
  });

  test('an apply the cache takes for a create is refused only if storage agrees the object is absent', async () => {
    const held = await synced();
    // Created by another replica; this cache has not seen it.
    const key = '/example.kamaji.io/widgets/ns1/a';
    const theirs = { ...widget('a'), metadata: { name: 'a', namespace: 'ns1', uid: 'u-1', creationTimestamp: '2026-01-01T00:00:00Z' } };
    const stored = await held.inner.create(key, new TextEncoder().encode(JSON.stringify(theirs)));
    held.calls();
    // Incomplete for a create (spec is required), fine for an update; and naming the stored version.
    const labelsOnly = JSON.stringify({ apiVersion: 'example.kamaji.io/v1', kind: 'Widget', metadata: { name: 'a', labels: { x: 'y' }, resourceVersion: String(stored.modRevision) } });
    const result = await held.store.patch('ns1', 'a', 'apply', labelsOnly, applyOptions);
    expect(result.created).toBe(false);
    expect(result.object.metadata.labels).toEqual({ x: 'y' });
    expect(result.object.spec).toMatchObject({ size: 2 });
    expect(held.calls()).toEqual({ get: 1, update: 1 });
    // Absent in storage too: the refusal stands.
    const missing = JSON.stringify({ apiVersion: 'example.kamaji.io/v1', kind: 'Widget', metadata: { name: 'b', resourceVersion: '5' } });
    expect((await statusOf(() => held.store.patch('ns1', 'b', 'apply', missing, applyOptions))).code).toBe(404);
    const incomplete = JSON.stringify({ apiVersion: 'example.kamaji.io/v1', kind: 'Widget', metadata: { name: 'b' } });
    expect(await statusOf(() => held.store.patch('ns1', 'b', 'apply', incomplete, applyOptions))).toMatchObject({ code: 422, reason: 'Invalid' });
  });

  test('a delete that would change nothing is confirmed by a read', async () => {
    const { store, settle, inner, calls } = await stale();
    await store.delete('ns1', 'a', { user });
    await settle();
    calls();
    // Another replica removes the finalizer: the object is gone, though this cache still has it marked.
    await inner.delete('/example.kamaji.io/widgets/ns1/a');
    expect((await statusOf(() => store.delete('ns1', 'a', { user }))).code).toBe(404);
    expect(calls()).toEqual({ get: 1 });
  });
});
