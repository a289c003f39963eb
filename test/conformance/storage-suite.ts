// The storage conformance suite: what every driver must do, written once, run against each driver.
//
// Adding a driver: write test/conformance/<driver>.test.ts that starts the real backend in beforeAll
// (test/support/ has launchers: etcd.ts, postgres.ts, mariadb.ts, kine.ts), stops it in afterAll, and calls
//
//   describeStorageConformance('<driver>', {
//     create: async () => /* a fresh, isolated Storage: its own key prefix, table or schema */,
//     replica: async (store) => /* a second Storage on the same backend and key space as `store` */,
//     restartBackend: async () => /* stop the backend, start it again on the same data and port */,
//   });
//
// The suite closes every store it gets. Backends may be shared by the whole file: tests never assume
// absolute revision numbers, only their order, and compaction is the only thing that reaches across
// key spaces (etcd compacts its whole keyspace), which no test depends on.
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  CompactedError,
  FutureRevisionError,
  KeyExistsError,
  KeyNotFoundError,
  RevisionConflictError,
  StorageError,
  StorageUnavailableError,
} from '../../src/storage/errors.ts';
import { guaranteedUpdate } from '../../src/storage/guaranteed-update.ts';
import type { Storage, StorageWatch, StorageWatchEvent, StoredValue, WatchOptions } from '../../src/storage/storage.ts';

export interface ConformanceSetup {
  /** A fresh Storage that shares no keys with any other store create() returned. */
  create(): Promise<Storage>;
  /**
   * Another Storage on the same backend and key space as `store`, as a second replica of the
   * apiserver would open it. Tests about shared revisions are skipped without it.
   */
  replica?(store: Storage): Promise<Storage>;
  /**
   * Stops the backend and starts it again on the same data and address, while stores stay open.
   * Tests of riding out a restart are skipped without it.
   */
  restartBackend?(): Promise<void>;
  /**
   * Known, documented ways a backend differs where nothing in Kamaji-TS depends on it; each still
   * gets its exact expectation, so a change in the backend shows.
   */
  quirks?: {
    /** kine: the previous value in a delete event carries create revision 0 (the registry never reads it). */
    deleteEventsWithoutCreateRevision?: true;
  };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const bytes = (text: string): Uint8Array => encoder.encode(text);
const text = (value: Uint8Array | undefined): string | undefined => value && decoder.decode(value);

/** What a test compares: the text of the values, so drivers may return Buffer or Uint8Array. */
function plain(stored: StoredValue) {
  return { key: stored.key, value: text(stored.value), createRevision: stored.createRevision, modRevision: stored.modRevision };
}

function plainEvent(event: StorageWatchEvent) {
  return {
    type: event.type,
    key: event.key,
    value: text(event.value),
    prevValue: text(event.prevValue),
    modRevision: event.modRevision,
    createRevision: event.createRevision,
  };
}

/** A watch that records what it receives. */
class Recorder {
  readonly events: StorageWatchEvent[] = [];
  readonly errors: Error[] = [];
  watch: StorageWatch | undefined;

  static async start(store: Storage, options: WatchOptions): Promise<Recorder> {
    const recorder = new Recorder();
    try {
      recorder.watch = await store.watch(options, {
        onEvent: (event) => recorder.events.push(event),
        onError: (error) => recorder.errors.push(error),
      });
    } catch (error) {
      // A driver may refuse the watch outright instead of reporting through onError.
      recorder.errors.push(error as Error);
    }
    return recorder;
  }

  async until(what: string, done: () => boolean): Promise<void> {
    await vi.waitFor(
      () => {
        if (!done()) throw new Error(`still waiting for ${what}; events so far: ${JSON.stringify(this.events.map(plainEvent))}`);
      },
      { timeout: 15_000, interval: 10 },
    );
  }

  /** Waits until an event for `key` arrived; the events before it are then all that came before it. */
  async untilKey(key: string): Promise<void> {
    await this.until(`an event for ${key}`, () => this.errors.length > 0 || this.events.some((event) => event.key === key));
    if (this.errors.length > 0) throw this.errors[0];
  }

  async untilError(): Promise<Error> {
    await this.until('an error', () => this.errors.length > 0);
    return this.errors[0]!;
  }

  close(): void {
    this.watch?.close();
  }
}

export function describeStorageConformance(name: string, setup: ConformanceSetup): void {
  describe(`storage conformance: ${name}`, () => {
    const opened: Storage[] = [];
    const recorders: Recorder[] = [];

    async function open(): Promise<Storage> {
      const store = await setup.create();
      opened.push(store);
      return store;
    }

    async function replicaOf(store: Storage): Promise<Storage> {
      const replica = await setup.replica!(store);
      opened.push(replica);
      return replica;
    }

    async function watch(store: Storage, options: WatchOptions): Promise<Recorder> {
      const recorder = await Recorder.start(store, options);
      recorders.push(recorder);
      return recorder;
    }

    afterEach(async () => {
      for (const recorder of recorders.splice(0)) recorder.close();
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });

    describe('create and get', () => {
      it('creates a key with equal create and mod revisions and reads it back', async () => {
        const store = await open();
        const created = await store.create('/things/a', bytes('one'));
        expect(created.key).toBe('/things/a');
        expect(text(created.value)).toBe('one');
        expect(created.createRevision).toBeGreaterThan(0);
        expect(created.modRevision).toBe(created.createRevision);
        expect(plain((await store.get('/things/a'))!)).toEqual(plain(created));
      });

      it('answers undefined for a key that does not exist', async () => {
        const store = await open();
        expect(await store.get('/things/missing')).toBeUndefined();
      });

      it('refuses to create a key twice with KeyExistsError and keeps the first value', async () => {
        const store = await open();
        const first = await store.create('/things/a', bytes('one'));
        const error = await store.create('/things/a', bytes('two')).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(KeyExistsError);
        expect((error as KeyExistsError).key).toBe('/things/a');
        expect(plain((await store.get('/things/a'))!)).toEqual(plain(first));
      });

      it('keeps values byte for byte, including empty values, zero bytes and non-ASCII', async () => {
        const store = await open();
        const binary = new Uint8Array([0, 255, 1, 128, 0, 10, 13]);
        await store.create('/bin/binary', binary);
        await store.create('/bin/empty', new Uint8Array());
        await store.create('/bin/unicode', bytes('ünïcödé ✓ 日本'));
        expect([...(await store.get('/bin/binary'))!.value]).toEqual([...binary]);
        expect((await store.get('/bin/empty'))!.value.length).toBe(0);
        expect(text((await store.get('/bin/unicode'))!.value)).toBe('ünïcödé ✓ 日本');
      });

      it('refuses keys and prefixes that are not absolute paths', async () => {
        const store = await open();
        await expect(store.create('relative', bytes('x'))).rejects.toBeInstanceOf(StorageError);
        await expect(store.get('relative')).rejects.toBeInstanceOf(StorageError);
        await expect(store.list({ prefix: '' })).rejects.toBeInstanceOf(StorageError);
        await expect(store.count('things/')).rejects.toBeInstanceOf(StorageError);
        await expect(store.watch({ prefix: 'things/', afterRevision: 1 }, { onEvent: () => {}, onError: () => {} })).rejects.toBeInstanceOf(
          StorageError,
        );
      });

      it('does not see keys of another store', async () => {
        const store = await open();
        const other = await open();
        const othersWatch = await watch(other, { prefix: '/', afterRevision: await other.currentRevision() });
        await store.create('/things/a', bytes('mine'));
        expect(await other.get('/things/a')).toBeUndefined();
        expect((await other.list({ prefix: '/' })).items).toEqual([]);
        expect(await other.count('/')).toBe(0);
        await other.create('/things/a', bytes('theirs'));
        expect(text((await store.get('/things/a'))!.value)).toBe('mine');
        await othersWatch.untilKey('/things/a');
        expect(othersWatch.events.map((event) => text(event.value))).toEqual(['theirs']);
      });
    });

    describe('list', () => {
      it('lists the keys under a prefix, sorted by key, and nothing outside it', async () => {
        const store = await open();
        for (const key of ['/a/m', '/ab/x', '/a/c', '/b/a', '/a', '/a/z', '/a/c/deeper']) {
          await store.create(key, bytes(`value of ${key}`));
        }
        const result = await store.list({ prefix: '/a/' });
        expect(result.items.map((item) => item.key)).toEqual(['/a/c', '/a/c/deeper', '/a/m', '/a/z']);
        expect(result.items.map((item) => text(item.value))).toEqual(result.items.map((item) => `value of ${item.key}`));
        expect(result.more).toBe(false);
        const newest = Math.max(...result.items.map((item) => item.modRevision));
        expect(result.revision).toBeGreaterThanOrEqual(newest);
        expect((await store.list({ prefix: '/nothing/' })).items).toEqual([]);
      });

      it('sorts keys by their UTF-8 bytes', async () => {
        const store = await open();
        for (const key of ['/k/é', '/k/z', '/k/B', '/k/a', '/k/\u{1F600}', '/k/\uFF21']) await store.create(key, bytes(key));
        const keys = (await store.list({ prefix: '/k/' })).items.map((item) => item.key);
        expect(keys).toEqual(['/k/B', '/k/a', '/k/z', '/k/é', '/k/\uFF21', '/k/\u{1F600}']);
      });

      it('lists an empty store with a positive revision', async () => {
        const store = await open();
        const result = await store.list({ prefix: '/' });
        expect(result.items).toEqual([]);
        expect(result.revision).toBeGreaterThan(0);
        expect(result.more).toBe(false);
      });

      it('pages with limit and startAfter, every page at the first page\'s revision', async () => {
        const store = await open();
        const keys = ['/p/1', '/p/2', '/p/3', '/p/4', '/p/5', '/p/6', '/p/7'];
        for (const key of keys) await store.create(key, bytes('before'));

        const first = await store.list({ prefix: '/p/', limit: 3 });
        expect(first.items.map((item) => item.key)).toEqual(['/p/1', '/p/2', '/p/3']);
        expect(first.more).toBe(true);
        if (first.remaining !== undefined) expect(first.remaining).toBe(4);

        // Writes between pages must not show in the snapshot being paged through.
        const changed = await store.get('/p/5');
        await store.update('/p/5', bytes('after'), changed!.modRevision);
        await store.delete('/p/6');
        await store.create('/p/45', bytes('after'));

        const second = await store.list({ prefix: '/p/', limit: 3, startAfter: '/p/3', revision: first.revision });
        expect(second.revision).toBe(first.revision);
        expect(second.items.map((item) => item.key)).toEqual(['/p/4', '/p/5', '/p/6']);
        expect(second.items.map((item) => text(item.value))).toEqual(['before', 'before', 'before']);
        expect(second.more).toBe(true);
        if (second.remaining !== undefined) expect(second.remaining).toBe(1);

        const last = await store.list({ prefix: '/p/', limit: 3, startAfter: '/p/6', revision: first.revision });
        expect(last.revision).toBe(first.revision);
        expect(last.items.map((item) => item.key)).toEqual(['/p/7']);
        expect(last.more).toBe(false);

        const now = await store.list({ prefix: '/p/' });
        expect(now.revision).toBeGreaterThan(first.revision);
        expect(now.items.map((item) => item.key)).toEqual(['/p/1', '/p/2', '/p/3', '/p/4', '/p/45', '/p/5', '/p/7']);
      });

      it('returns everything when limit is 0 or absent, and more=false when limit is not reached', async () => {
        const store = await open();
        for (const key of ['/l/a', '/l/b', '/l/c']) await store.create(key, bytes(key));
        expect((await store.list({ prefix: '/l/', limit: 0 })).items).toHaveLength(3);
        const exact = await store.list({ prefix: '/l/', limit: 3 });
        expect(exact.items).toHaveLength(3);
        expect(exact.more).toBe(false);
        expect((await store.list({ prefix: '/l/', limit: 10 })).more).toBe(false);
      });

      it('starts after a key that does not exist, and handles a startAfter outside the prefix', async () => {
        const store = await open();
        for (const key of ['/s/a', '/s/c', '/s/e']) await store.create(key, bytes(key));
        expect((await store.list({ prefix: '/s/', startAfter: '/s/b' })).items.map((item) => item.key)).toEqual(['/s/c', '/s/e']);
        expect((await store.list({ prefix: '/s/', startAfter: '/a' })).items.map((item) => item.key)).toEqual(['/s/a', '/s/c', '/s/e']);
        expect((await store.list({ prefix: '/s/', startAfter: '/s/e' })).items).toEqual([]);
        expect((await store.list({ prefix: '/s/', startAfter: '/t' })).items).toEqual([]);
      });

      it('reads the state as of an older revision', async () => {
        const store = await open();
        const a = await store.create('/o/a', bytes('a1'));
        await store.create('/o/b', bytes('b1'));
        const then = await store.currentRevision();
        await store.update('/o/a', bytes('a2'), a.modRevision);
        await store.delete('/o/b');
        await store.create('/o/c', bytes('c1'));

        const old = await store.list({ prefix: '/o/', revision: then });
        expect(old.revision).toBe(then);
        expect(old.items.map((item) => [item.key, text(item.value)])).toEqual([['/o/a', 'a1'], ['/o/b', 'b1']]);
        expect(old.items[0]!.modRevision).toBe(a.modRevision);

        const now = await store.list({ prefix: '/o/' });
        expect(now.items.map((item) => [item.key, text(item.value)])).toEqual([['/o/a', 'a2'], ['/o/c', 'c1']]);
      });

      it('reads the latest state when the revision is 0', async () => {
        const store = await open();
        const a = await store.create('/z/a', bytes('1'));
        const result = await store.list({ prefix: '/z/', revision: 0 });
        expect(result.items.map(plain)).toEqual([plain(a)]);
        expect(result.revision).toBeGreaterThanOrEqual(a.modRevision);
      });

      it('refuses a revision newer than the store with FutureRevisionError', async () => {
        const store = await open();
        const current = await store.currentRevision();
        const error = await store.list({ prefix: '/', revision: current + 1000 }).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(FutureRevisionError);
        expect((error as FutureRevisionError).requestedRevision).toBe(current + 1000);
      });

      it('counts the keys under a prefix', async () => {
        const store = await open();
        for (const key of ['/c/a', '/c/b', '/c/c', '/cc/a', '/d/a']) await store.create(key, bytes(key));
        expect(await store.count('/c/')).toBe(3);
        expect(await store.count('/')).toBe(5);
        expect(await store.count('/none/')).toBe(0);
        await store.delete('/c/b');
        expect(await store.count('/c/')).toBe(2);
      });
    });

    describe('update', () => {
      it('writes when the expected revision matches, keeping the create revision', async () => {
        const store = await open();
        const created = await store.create('/u/a', bytes('one'));
        const updated = await store.update('/u/a', bytes('two'), created.modRevision);
        expect(text(updated.value)).toBe('two');
        expect(updated.createRevision).toBe(created.createRevision);
        expect(updated.modRevision).toBeGreaterThan(created.modRevision);
        expect(plain((await store.get('/u/a'))!)).toEqual(plain(updated));
      });

      it('refuses a stale revision with RevisionConflictError carrying the actual revision', async () => {
        const store = await open();
        const created = await store.create('/u/a', bytes('one'));
        const updated = await store.update('/u/a', bytes('two'), created.modRevision);
        const error = await store.update('/u/a', bytes('three'), created.modRevision).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(RevisionConflictError);
        expect((error as RevisionConflictError).actualRevision).toBe(updated.modRevision);
        expect((error as RevisionConflictError).key).toBe('/u/a');
        expect(text((await store.get('/u/a'))!.value)).toBe('two');
      });

      it('refuses to update a key that does not exist with KeyNotFoundError, whatever the revision', async () => {
        const store = await open();
        await expect(store.update('/u/missing', bytes('x'), 1)).rejects.toBeInstanceOf(KeyNotFoundError);
        // A missing key must not pass as "last written at revision 0".
        await expect(store.update('/u/missing', bytes('x'), 0)).rejects.toBeInstanceOf(KeyNotFoundError);
        expect(await store.get('/u/missing')).toBeUndefined();
        const created = await store.create('/u/gone', bytes('x'));
        await store.delete('/u/gone');
        await expect(store.update('/u/gone', bytes('y'), created.modRevision)).rejects.toBeInstanceOf(KeyNotFoundError);
      });
    });

    describe('delete', () => {
      it('deletes and returns the last value with the delete\'s own revision', async () => {
        const store = await open();
        const created = await store.create('/x/a', bytes('one'));
        const deleted = await store.delete('/x/a');
        expect(deleted.key).toBe('/x/a');
        expect(text(deleted.value)).toBe('one');
        expect(deleted.createRevision).toBe(created.createRevision);
        expect(deleted.modRevision).toBeGreaterThan(created.modRevision);
        expect(await store.get('/x/a')).toBeUndefined();
        expect(await store.currentRevision()).toBeGreaterThanOrEqual(deleted.modRevision);
        const recreated = await store.create('/x/a', bytes('again'));
        expect(recreated.createRevision).toBeGreaterThan(deleted.modRevision);
      });

      it('deletes only at the expected revision when one is given', async () => {
        const store = await open();
        const created = await store.create('/x/a', bytes('one'));
        const updated = await store.update('/x/a', bytes('two'), created.modRevision);
        const error = await store.delete('/x/a', created.modRevision).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(RevisionConflictError);
        expect((error as RevisionConflictError).actualRevision).toBe(updated.modRevision);
        expect(text((await store.get('/x/a'))!.value)).toBe('two');
        const deleted = await store.delete('/x/a', updated.modRevision);
        expect(text(deleted.value)).toBe('two');
        expect(await store.get('/x/a')).toBeUndefined();
      });

      it('refuses to delete a key that does not exist with KeyNotFoundError', async () => {
        const store = await open();
        await expect(store.delete('/x/missing')).rejects.toBeInstanceOf(KeyNotFoundError);
        await expect(store.delete('/x/missing', 5)).rejects.toBeInstanceOf(KeyNotFoundError);
        await expect(store.delete('/x/missing', 0)).rejects.toBeInstanceOf(KeyNotFoundError);
      });
    });

    describe('revisions', () => {
      it('grow strictly with every write, and the current revision covers them', async () => {
        const store = await open();
        const start = await store.currentRevision();
        const revisions = [start];
        const a = await store.create('/r/a', bytes('1'));
        revisions.push(a.modRevision);
        const b = await store.create('/r/b', bytes('1'));
        revisions.push(b.modRevision);
        revisions.push((await store.update('/r/a', bytes('2'), a.modRevision)).modRevision);
        revisions.push((await store.delete('/r/b')).modRevision);
        for (let i = 1; i < revisions.length; i++) expect(revisions[i]).toBeGreaterThan(revisions[i - 1]!);
        expect(await store.currentRevision()).toBeGreaterThanOrEqual(revisions.at(-1)!);
        for (const revision of revisions) expect(Number.isSafeInteger(revision) && revision > 0).toBe(true);
      });
    });

    describe('guaranteedUpdate', () => {
      const increment = (current: StoredValue | undefined): Uint8Array =>
        bytes(String(Number(text(current?.value) ?? '0') + 1));

      it('ends with the exact total under concurrent read-modify-write writers', async () => {
        const store = await open();
        const stores = setup.replica ? [store, await replicaOf(store)] : [store];
        const writers = 24;
        let attempts = 0;
        await Promise.all(
          Array.from({ length: writers }, (_, i) =>
            guaranteedUpdate(stores[i % stores.length]!, '/g/counter', (current) => {
              attempts += 1;
              return increment(current);
            }),
          ),
        );
        expect(text((await store.get('/g/counter'))!.value)).toBe(String(writers));
        expect(attempts).toBeGreaterThanOrEqual(writers);
      });

      it('creates an absent key, and leaves it absent when tryUpdate returns undefined', async () => {
        const store = await open();
        expect(await guaranteedUpdate(store, '/g/absent', () => undefined)).toBeUndefined();
        expect(await store.get('/g/absent')).toBeUndefined();
        const created = await guaranteedUpdate(store, '/g/new', increment);
        expect(text(created!.value)).toBe('1');
        expect(created!.createRevision).toBe(created!.modRevision);
      });

      it('does not write when nothing changes', async () => {
        const store = await open();
        const created = await store.create('/g/same', bytes('x'));
        const unchanged = await guaranteedUpdate(store, '/g/same', (current) => current!.value.slice());
        expect(unchanged!.modRevision).toBe(created.modRevision);
        const skipped = await guaranteedUpdate(store, '/g/same', () => undefined);
        expect(skipped!.modRevision).toBe(created.modRevision);
        expect((await store.get('/g/same'))!.modRevision).toBe(created.modRevision);
      });

      it('retries from the fresh value when the value it started from is stale', async () => {
        const store = await open();
        const stale = await store.create('/g/stale', bytes('1'));
        await store.update('/g/stale', bytes('5'), stale.modRevision);
        const seen: string[] = [];
        const result = await guaranteedUpdate(
          store,
          '/g/stale',
          (current) => {
            seen.push(text(current?.value)!);
            return increment(current);
          },
          { current: stale },
        );
        expect(seen).toEqual(['1', '5']);
        expect(text(result!.value)).toBe('6');
      });

      it('retries against a key deleted under it, and passes on errors thrown by tryUpdate', async () => {
        const store = await open();
        const stale = await store.create('/g/deleted', bytes('7'));
        await store.delete('/g/deleted');
        const result = await guaranteedUpdate(store, '/g/deleted', increment, { current: stale });
        expect(text(result!.value)).toBe('1');
        const refusal = new Error('not allowed');
        await expect(guaranteedUpdate(store, '/g/deleted', () => Promise.reject(refusal))).rejects.toBe(refusal);
        expect(text((await store.get('/g/deleted'))!.value)).toBe('1');
      });
    });

    describe('watch', () => {
      it('delivers exactly the events after a revision, in order, then live ones', async () => {
        const store = await open();
        const before = await store.currentRevision();
        const a1 = await store.create('/w/a', bytes('a1'));
        const a2 = await store.update('/w/a', bytes('a2'), a1.modRevision);
        const b1 = await store.create('/w/b', bytes('b1'));
        await store.create('/elsewhere/x', bytes('not watched'));
        const aDeleted = await store.delete('/w/a');

        const recorder = await watch(store, { prefix: '/w/', afterRevision: before });
        const b2 = await store.update('/w/b', bytes('b2'), b1.modRevision);
        await store.create('/w/zz-end', bytes('end'));
        await recorder.untilKey('/w/zz-end');

        expect(recorder.errors).toEqual([]);
        expect(recorder.events.map(plainEvent).slice(0, -1)).toEqual([
          { type: 'put', key: '/w/a', value: 'a1', prevValue: undefined, modRevision: a1.modRevision, createRevision: a1.modRevision },
          { type: 'put', key: '/w/a', value: 'a2', prevValue: 'a1', modRevision: a2.modRevision, createRevision: a1.modRevision },
          { type: 'put', key: '/w/b', value: 'b1', prevValue: undefined, modRevision: b1.modRevision, createRevision: b1.modRevision },
          {
            type: 'delete',
            key: '/w/a',
            value: 'a2',
            prevValue: 'a2',
            modRevision: aDeleted.modRevision,
            createRevision: setup.quirks?.deleteEventsWithoutCreateRevision ? 0 : a1.modRevision,
          },
          { type: 'put', key: '/w/b', value: 'b2', prevValue: 'b1', modRevision: b2.modRevision, createRevision: b1.modRevision },
        ]);
      });

      it('starts right after the given revision, not at it', async () => {
        const store = await open();
        const a = await store.create('/w/a', bytes('a'));
        const recorder = await watch(store, { prefix: '/w/', afterRevision: a.modRevision });
        await store.create('/w/b', bytes('b'));
        await recorder.untilKey('/w/b');
        expect(recorder.events.map((event) => event.key)).toEqual(['/w/b']);
      });

      it('from the current revision delivers only live events', async () => {
        const store = await open();
        await store.create('/w/old', bytes('old'));
        const recorder = await watch(store, { prefix: '/w/', afterRevision: await store.currentRevision() });
        const created = await store.create('/w/new', bytes('new'));
        await store.delete('/w/old');
        await recorder.until('two events', () => recorder.events.length >= 2);
        await store.create('/w/zz-end', bytes('end'));
        await recorder.untilKey('/w/zz-end');
        expect(recorder.events.map((event) => [event.type, event.key])).toEqual([
          ['put', '/w/new'],
          ['delete', '/w/old'],
          ['put', '/w/zz-end'],
        ]);
        expect(recorder.events[0]!.createRevision).toBe(created.modRevision);
      });

      it('watches a prefix, not a string prefix of sibling keys', async () => {
        const store = await open();
        const recorder = await watch(store, { prefix: '/w/a/', afterRevision: await store.currentRevision() });
        await store.create('/w/a', bytes('the parent key'));
        await store.create('/w/ab/x', bytes('a sibling'));
        await store.create('/w/a/x', bytes('inside'));
        await recorder.untilKey('/w/a/x');
        expect(recorder.events.map((event) => event.key)).toEqual(['/w/a/x']);
      });

      it('gives several watchers from the same revision identical sequences', async () => {
        const store = await open();
        const from = await store.currentRevision();
        const early = await watch(store, { prefix: '/w/', afterRevision: from });
        const a = await store.create('/w/a', bytes('1'));
        const late = await watch(store, { prefix: '/w/', afterRevision: from });
        await store.update('/w/a', bytes('2'), a.modRevision);
        const middle = await watch(store, { prefix: '/w/', afterRevision: from });
        await store.create('/w/b', bytes('1'));
        await store.delete('/w/a');
        await store.create('/w/zz-end', bytes('end'));
        for (const recorder of [early, late, middle]) await recorder.untilKey('/w/zz-end');
        expect(early.events).toHaveLength(5);
        expect(late.events.map(plainEvent)).toEqual(early.events.map(plainEvent));
        expect(middle.events.map(plainEvent)).toEqual(early.events.map(plainEvent));
      });

      it('stops delivering once closed', async () => {
        const store = await open();
        const from = await store.currentRevision();
        const closed = await watch(store, { prefix: '/w/', afterRevision: from });
        const open_ = await watch(store, { prefix: '/w/', afterRevision: from });
        await store.create('/w/a', bytes('1'));
        await closed.untilKey('/w/a');
        closed.close();
        await store.create('/w/b', bytes('1'));
        await open_.untilKey('/w/b');
        // Closing again is harmless.
        closed.close();
        expect(closed.events.map((event) => event.key)).toEqual(['/w/a']);
        expect(closed.errors).toEqual([]);
      });

      it('keeps working after many watches were opened and closed', async () => {
        const store = await open();
        for (let i = 0; i < 8; i++) {
          const recorder = await watch(store, { prefix: '/w/', afterRevision: await store.currentRevision() });
          await store.create(`/w/${i}`, bytes('x'));
          await recorder.untilKey(`/w/${i}`);
          recorder.close();
        }
        expect(await store.count('/w/')).toBe(8);
        await store.ping();
      });

      it('delivers large histories completely and in order', async () => {
        const store = await open();
        const from = await store.currentRevision();
        const big = bytes('x'.repeat(64 * 1024));
        for (let i = 0; i < 100; i++) await store.create(`/w/${String(i).padStart(3, '0')}`, big);
        const recorder = await watch(store, { prefix: '/w/', afterRevision: from });
        await recorder.untilKey('/w/099');
        expect(recorder.events.map((event) => event.key)).toEqual(
          Array.from({ length: 100 }, (_, i) => `/w/${String(i).padStart(3, '0')}`),
        );
        for (let i = 1; i < recorder.events.length; i++) {
          expect(recorder.events[i]!.modRevision).toBeGreaterThan(recorder.events[i - 1]!.modRevision);
        }
        const page = await store.list({ prefix: '/w/' });
        expect(page.items).toHaveLength(100);
      });
    });

    describe('compaction', () => {
      it('makes older revisions unreadable with CompactedError, keeping current values', async () => {
        const store = await open();
        const a = await store.create('/k/a', bytes('a1'));
        const early = a.modRevision;
        await store.update('/k/a', bytes('a2'), a.modRevision);
        const b = await store.create('/k/b', bytes('b1'));
        await store.delete('/k/b');
        const compactAt = b.modRevision;
        await store.compact(compactAt);

        expect(await store.compactedRevision()).toBeGreaterThanOrEqual(compactAt);
        const compacted = await store.compactedRevision();
        const error = await store.list({ prefix: '/k/', revision: early }).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(CompactedError);
        expect((error as CompactedError).requestedRevision).toBe(early);
        expect((error as CompactedError).compactedRevision).toBe(compacted);

        // The compacted revision itself stays readable.
        const atCompaction = await store.list({ prefix: '/k/', revision: compacted });
        expect(atCompaction.items.map((item) => [item.key, text(item.value)])).toEqual([
          ['/k/a', 'a2'],
          ['/k/b', 'b1'],
        ]);
        expect(text((await store.get('/k/a'))!.value)).toBe('a2');
        expect((await store.list({ prefix: '/k/' })).items.map((item) => item.key)).toEqual(['/k/a']);
      });

      it('ends a watch from a compacted revision with CompactedError', async () => {
        const store = await open();
        const a = await store.create('/k/a', bytes('1'));
        const b = await store.update('/k/a', bytes('2'), a.modRevision);
        await store.update('/k/a', bytes('3'), b.modRevision);
        await store.compact(await store.currentRevision());

        const recorder = await watch(store, { prefix: '/k/', afterRevision: a.modRevision - 1 });
        const error = await recorder.untilError();
        expect(error).toBeInstanceOf(CompactedError);
        expect((error as CompactedError).requestedRevision).toBe(a.modRevision - 1);
        expect((error as CompactedError).compactedRevision).toBe(await store.compactedRevision());
        expect(recorder.events).toEqual([]);
      });

      it('still serves watches from the compacted revision on', async () => {
        const store = await open();
        const a = await store.create('/k/a', bytes('1'));
        await store.compact(a.modRevision);
        const recorder = await watch(store, { prefix: '/k/', afterRevision: a.modRevision });
        await store.update('/k/a', bytes('2'), a.modRevision);
        await recorder.untilKey('/k/a');
        expect(recorder.errors).toEqual([]);
        expect(recorder.events.map(plainEvent)).toEqual([
          expect.objectContaining({ type: 'put', value: '2', prevValue: '1', createRevision: a.modRevision }),
        ]);
      });

      it('ignores a compaction at or below what is already compacted, and refuses a future one', async () => {
        const store = await open();
        const a = await store.create('/k/a', bytes('1'));
        await store.create('/k/b', bytes('1'));
        await store.compact(await store.currentRevision());
        const compacted = await store.compactedRevision();
        await store.compact(a.modRevision);
        expect(await store.compactedRevision()).toBe(compacted);
        const future = (await store.currentRevision()) + 1000;
        await expect(store.compact(future)).rejects.toBeInstanceOf(FutureRevisionError);
      });
    });

    describe.runIf(setup.replica !== undefined)('two instances on one backend', () => {
      it('share keys and one sequence of revisions', async () => {
        const first = await open();
        const second = await replicaOf(first);
        const a = await first.create('/s/a', bytes('from first'));
        expect(plain((await second.get('/s/a'))!)).toEqual(plain(a));
        const b = await second.create('/s/b', bytes('from second'));
        expect(b.modRevision).toBeGreaterThan(a.modRevision);
        const a2 = await first.update('/s/a', bytes('again'), a.modRevision);
        expect(a2.modRevision).toBeGreaterThan(b.modRevision);
        expect(await second.currentRevision()).toBeGreaterThanOrEqual(a2.modRevision);
        await expect(second.update('/s/a', bytes('stale'), a.modRevision)).rejects.toBeInstanceOf(RevisionConflictError);
        await expect(second.create('/s/a', bytes('dup'))).rejects.toBeInstanceOf(KeyExistsError);
        const listed = await second.list({ prefix: '/s/', limit: 1 });
        const rest = await first.list({ prefix: '/s/', startAfter: listed.items[0]!.key, revision: listed.revision });
        expect([...listed.items, ...rest.items].map(plain)).toEqual([plain(a2), plain(b)]);
      });

      it('give watches on both the same events', async () => {
        const first = await open();
        const second = await replicaOf(first);
        const from = await first.currentRevision();
        const onFirst = await watch(first, { prefix: '/s/', afterRevision: from });
        const a = await first.create('/s/a', bytes('1'));
        const onSecond = await watch(second, { prefix: '/s/', afterRevision: from });
        await second.update('/s/a', bytes('2'), a.modRevision);
        await first.delete('/s/a');
        await second.create('/s/zz-end', bytes('end'));
        await onFirst.untilKey('/s/zz-end');
        await onSecond.untilKey('/s/zz-end');
        expect(onFirst.events).toHaveLength(4);
        expect(onSecond.events.map(plainEvent)).toEqual(onFirst.events.map(plainEvent));
      });

      it('agree on the compacted revision', async () => {
        const first = await open();
        const second = await replicaOf(first);
        const a = await first.create('/s/a', bytes('1'));
        await first.update('/s/a', bytes('2'), a.modRevision);
        const target = await first.currentRevision();
        await first.compact(target);
        expect(await second.compactedRevision()).toBe(await first.compactedRevision());
        await expect(second.list({ prefix: '/s/', revision: a.modRevision })).rejects.toBeInstanceOf(CompactedError);
      });

      it('keep working on one when the other closes', async () => {
        const first = await open();
        const second = await replicaOf(first);
        await first.create('/s/a', bytes('1'));
        await second.close();
        expect(text((await first.get('/s/a'))!.value)).toBe('1');
      });
    });

    describe.runIf(setup.restartBackend !== undefined)('backend restart', () => {
      it('keeps the data, ends or resumes watches cleanly, and serves again once the backend is back', async () => {
        const store = await open();
        const a = await store.create('/b/a', bytes('before'));
        const recorder = await watch(store, { prefix: '/b/', afterRevision: a.modRevision });
        await setup.restartBackend!();
        // Calls may fail while the client reconnects; the store must come back by itself.
        await vi.waitFor(() => store.ping(), { timeout: 30_000, interval: 200 });
        expect(text((await store.get('/b/a'))!.value)).toBe('before');
        const b = await store.create('/b/b', bytes('after'));
        expect(b.modRevision).toBeGreaterThan(a.modRevision);
        // A watch either survives without losing an event or ends with StorageUnavailableError.
        await recorder.until('the new event or an error', () => recorder.errors.length > 0 || recorder.events.length > 0);
        if (recorder.errors.length > 0) expect(recorder.errors[0]).toBeInstanceOf(StorageUnavailableError);
        else expect(recorder.events.map(plainEvent)).toEqual([expect.objectContaining({ key: '/b/b', value: 'after' })]);
        const again = await watch(store, { prefix: '/b/', afterRevision: a.modRevision });
        await again.untilKey('/b/b');
        expect(again.events.map((event) => event.key)).toEqual(['/b/b']);
      });
    });

    describe('lifecycle', () => {
      it('answers ping while open', async () => {
        const store = await open();
        await expect(store.ping()).resolves.toBeUndefined();
      });

      it('refuses work after close with StorageUnavailableError and ends its watches', async () => {
        const store = await open();
        const other = setup.replica ? await replicaOf(store) : undefined;
        const from = await store.currentRevision();
        const recorder = await watch(store, { prefix: '/', afterRevision: from });
        await store.close();
        await store.close(); // idempotent
        await expect(store.ping()).rejects.toBeInstanceOf(StorageUnavailableError);
        await expect(store.get('/a')).rejects.toBeInstanceOf(StorageUnavailableError);
        await expect(store.create('/a', bytes('x'))).rejects.toBeInstanceOf(StorageError);
        if (other) {
          // Writes by another instance reach the other instance's watches, not the closed one's.
          const witness = await watch(other, { prefix: '/', afterRevision: from });
          await other.create('/after-close', bytes('x'));
          await witness.untilKey('/after-close');
        }
        expect(recorder.events).toEqual([]);
      });
    });
  });
}
