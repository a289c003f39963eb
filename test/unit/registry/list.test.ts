import { describe, expect, test } from 'vitest';
import { gadgets, setup, statusOf, user, widget } from './fixtures.ts';


async function populated() {
  const made = setup();
  for (const [ns, name, app] of [
    ['ns1', 'a', 'x'],
    ['ns1', 'b', 'y'],
    ['ns1', 'c', 'x'],
    ['ns2', 'd', 'x'],
    ['ns10', 'e', 'z'],
  ] as const) {
    await made.store.create(ns, widget(name, { size: 2 }, { metadata: { name, labels: { app } } }), { user });
  }
  return made;
}

const names = (list: { items: { metadata: { name?: string } }[] }) => list.items.map((i) => i.metadata.name);

describe('list', () => {
  test('per namespace and across namespaces; snapshot resourceVersion', async () => {
    const { store, storage } = await populated();
    const all = await store.list({});
    expect(all.kind).toBe('WidgetList');
    expect(all.apiVersion).toBe('example.kamaji.io/v1');
    expect(names(all)).toEqual(['a', 'b', 'c', 'e', 'd']);
    expect(all.metadata.resourceVersion).toBe(String(await storage.currentRevision()));
    expect(names(await store.list({ namespace: 'ns1' }))).toEqual(['a', 'b', 'c']);
    expect(names(await store.list({ namespace: 'ns' }))).toEqual([]);
  });

  test('label and field selectors', async () => {
    const { store } = await populated();
    expect(names(await store.list({ labelSelector: 'app=x' }))).toEqual(['a', 'c', 'd']);
    expect(names(await store.list({ labelSelector: 'app in (y,z)' }))).toEqual(['b', 'e']);
    expect(names(await store.list({ labelSelector: 'app notin (x),app' }))).toEqual(['b', 'e']);
    expect(names(await store.list({ labelSelector: '!app' }))).toEqual([]);
    expect(names(await store.list({ fieldSelector: 'metadata.name=b' }))).toEqual(['b']);
    expect(names(await store.list({ fieldSelector: 'metadata.namespace!=ns1' }))).toEqual(['e', 'd']);
  });

  test('bad selectors: 400', async () => {
    const { store } = await populated();
    expect(await statusOf(() => store.list({ fieldSelector: 'spec.size=2' }))).toMatchObject({
      code: 400,
      reason: 'BadRequest',
      message: 'field label not supported: spec.size',
    });
    expect((await statusOf(() => store.list({ labelSelector: 'app in (x' }))).code).toBe(400);
  });

  test('pagination: limit, continue, remainingItemCount, one snapshot for all pages', async () => {
    const { store } = await populated();
    const first = await store.list({ limit: 2 });
    expect(names(first)).toEqual(['a', 'b']);
    expect(first.metadata.continue).toBeTruthy();
    expect(first.metadata.remainingItemCount).toBe(3);
    await store.create('ns1', widget('bb'), { user });
    const second = await store.list({ limit: 2, continue: first.metadata.continue! });
    expect(names(second)).toEqual(['c', 'e']);
    expect(second.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
    const third = await store.list({ limit: 2, continue: second.metadata.continue! });
    expect(names(third)).toEqual(['d']);
    expect(third.metadata.continue).toBeUndefined();
  });

  test('pagination with a selector fills pages with matches', async () => {
    const { store } = await populated();
    const first = await store.list({ limit: 2, labelSelector: 'app=x' });
    expect(names(first)).toEqual(['a', 'c']);
    expect(first.metadata.remainingItemCount).toBeUndefined();
    const second = await store.list({ limit: 2, labelSelector: 'app=x', continue: first.metadata.continue! });
    expect(names(second)).toEqual(['d']);
  });

  test('invalid continue token: 400; compacted snapshot: 410 with a token to go on', async () => {
    const { store, storage } = await populated();
    expect((await statusOf(() => store.list({ continue: 'garbage' }))).code).toBe(400);
    const first = await store.list({ limit: 2 });
    await store.create('ns1', widget('z1'), { user });
    await storage.compact(await storage.currentRevision());
    const status = await statusOf(() => store.list({ limit: 2, continue: first.metadata.continue! }));
    expect(status).toMatchObject({ code: 410, reason: 'Expired' });
    expect(status.message).toMatch(/^The provided continue parameter is too old/);
    const resumed = await store.list({ limit: 10, continue: status.metadata.continue as string });
    expect(names(resumed)).toEqual(['c', 'z1', 'e', 'd']);
  });

  test('resourceVersion and resourceVersionMatch', async () => {
    const { store, storage } = await populated();
    const old = (await store.list({})).metadata.resourceVersion!;
    await store.create('ns1', widget('later'), { user });
    const exact = await store.list({ resourceVersion: old, resourceVersionMatch: 'Exact' });
    expect(exact.metadata.resourceVersion).toBe(old);
    expect(names(exact)).not.toContain('later');
    const notOlder = await store.list({ resourceVersion: old, resourceVersionMatch: 'NotOlderThan' });
    expect(names(notOlder)).toContain('later');
    const any = await store.list({ resourceVersion: '0' });
    expect(Number(any.metadata.resourceVersion)).toBeGreaterThanOrEqual(Number(old));
    await storage.compact(await storage.currentRevision());
    expect(await statusOf(() => store.list({ resourceVersion: old, resourceVersionMatch: 'Exact' }))).toMatchObject({
      code: 410,
      reason: 'Expired',
      message: 'The resourceVersion for the provided list is too old.',
    });
  });

  test('a resourceVersion from the future: 504 ResourceVersionTooLarge after a short wait', async () => {
    const { store, storage } = await populated();
    const future = (await storage.currentRevision()) + 100;
    const status = await statusOf(() => store.list({ resourceVersion: String(future) }));
    expect(status).toMatchObject({
      code: 504,
      reason: 'Timeout',
      details: { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }], retryAfterSeconds: 1 },
    });
    expect(status.message).toBe(`Timeout: Too large resource version: ${future}, current: ${future - 100}`);
  });

  test('invalid option combinations: 422 on ListOptions', async () => {
    const { store } = await populated();
    expect(await statusOf(() => store.list({ resourceVersionMatch: 'Exact' }))).toMatchObject({
      code: 422,
      message: 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided',
    });
    expect((await statusOf(() => store.list({ resourceVersion: '0', resourceVersionMatch: 'Exact' }))).message).toContain(
      'resourceVersionMatch "exact" is forbidden for resourceVersion "0"',
    );
    expect((await statusOf(() => store.list({ resourceVersion: '5', resourceVersionMatch: 'Exact', continue: 'x' }))).code).toBe(422);
    expect((await statusOf(() => store.list({ resourceVersion: 'abc' }))).code).toBe(400);
  });

  test('cluster-scoped kinds ignore the namespace', async () => {
    const { store } = setup({}, undefined, gadgets);
    await store.create(undefined, { ...widget('g1'), kind: 'Gadget' }, { user });
    expect(names(await store.list({ namespace: 'whatever' }))).toEqual(['g1']);
  });

  test('resourceVersion=0 is served from the watch cache; storage down otherwise means 503', async () => {
    const { store, storage } = await populated();
    await store.whenSynced();
    await storage.close();
    expect(names(await store.list({ resourceVersion: '0', namespace: 'ns1', labelSelector: 'app=x' }))).toEqual(['a', 'c']);
    expect(await statusOf(() => store.list({}))).toMatchObject({ code: 503, reason: 'ServiceUnavailable' });
    expect((await statusOf(() => store.get('ns1', 'a'))).code).toBe(503);
  });

  test('names and namespaces with path separators: 400', async () => {
    const { store } = setup();
    expect((await statusOf(() => store.get('ns1', 'a/b'))).code).toBe(400);
    expect((await statusOf(() => store.list({ namespace: '..' }))).code).toBe(400);
  });

  test('get of a missing object: 404 with the qualified resource name', async () => {
    const { store } = setup();
    expect(await statusOf(() => store.get('ns1', 'nope'))).toMatchObject({
      code: 404,
      reason: 'NotFound',
      message: 'widgets.example.kamaji.io "nope" not found',
      details: { name: 'nope', group: 'example.kamaji.io', kind: 'widgets' },
    });
  });
});
