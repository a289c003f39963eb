import { afterEach, describe, expect, test } from 'vitest';
import { MemoryDatastore, MemoryStorage } from '../../../src/storage/memory.ts';
import type { ManagedResourceStore } from '../../../src/registry/resource-store.ts';
import { collect, newStore, statusOf, summary, user, widget } from './fixtures.ts';

const stores: ManagedResourceStore[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

/** Two API server replicas: separate stores and storage handles over one datastore. */
function replicas() {
  const datastore = new MemoryDatastore();
  const one = newStore({}, new MemoryStorage(datastore)).store;
  const two = newStore({}, new MemoryStorage(datastore)).store;
  stores.push(one, two);
  return { one, two };
}

describe('two replicas over one storage', () => {
  test('see the same objects with the same resourceVersions', async () => {
    const { one, two } = replicas();
    const created = (await one.create('ns1', widget('a'), { user })).object;
    expect(await two.get('ns1', 'a')).toEqual(created);
    const listOne = await one.list({});
    const listTwo = await two.list({});
    expect(listTwo).toEqual(listOne);
  });

  test("the second's watch sees the first's writes, resuming from a revision the first returned", async () => {
    const { one, two } = replicas();
    const a = (await one.create('ns1', widget('a'), { user })).object;
    const w = await collect(two, { resourceVersion: a.metadata.resourceVersion! });
    await one.create('ns1', widget('b'), { user });
    const [added] = await w.next();
    expect(summary([added!])).toEqual(['ADDED b']);
    expect(added!.object).toEqual(await one.get('ns1', 'b'));
    w.close();
  });

  test('an update through one replica with a revision read from the other', async () => {
    const { one, two } = replicas();
    await one.create('ns1', widget('a'), { user });
    const read = await two.get('ns1', 'a');
    await one.update('ns1', 'a', { ...read, spec: { size: 5 } }, { user });
    const stale = await statusOf(() => two.update('ns1', 'a', { ...read, spec: { size: 6 } }, { user }));
    expect(stale.code).toBe(409);
  });

  test('a list continue token from one replica works on the other', async () => {
    const { one, two } = replicas();
    for (const name of ['a', 'b', 'c']) await one.create('ns1', widget(name), { user });
    const first = await one.list({ limit: 2 });
    const rest = await two.list({ limit: 2, continue: first.metadata.continue! });
    expect(rest.items.map((i) => i.metadata.name)).toEqual(['c']);
    expect(rest.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
  });
});
