import pino from 'pino';
import { afterEach, describe, expect, test } from 'vitest';
import { allDeclarations } from '../../../../src/apis/index.ts';
import type { KubeObject } from '../../../../src/apis/meta.ts';
import { RegistryInformer, type InformerEventType } from '../../../../src/controllers/runtime/registry-informer.ts';
import { createResourceStore } from '../../../../src/registry/resource-store.ts';
import { createStorage } from '../../../../src/storage/index.ts';

const user = { username: 'test', groups: ['system:masters'] };
const logger = pino({ level: 'silent' });

function dataStore(name: string): object {
  return {
    apiVersion: 'tenancy.kamaji.io/v1alpha1',
    kind: 'DataStore',
    metadata: { name },
    spec: {
      driver: 'PostgreSQL',
      endpoints: ['127.0.0.1:5432'],
      basicAuth: { username: { content: 'dQ==' }, password: { content: 'cA==' } },
    },
  };
}

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const step of cleanup) step();
  cleanup = [];
});

async function setup() {
  const storage = await createStorage({ driver: 'memory' });
  const declaration = allDeclarations.find((d) => d.plural === 'datastores')!;
  const store = createResourceStore(declaration, storage, { defaulting: {}, logger });
  await store.whenSynced();
  cleanup.push(() => store.close());
  return store;
}

describe('RegistryInformer (the registry in-process, memory storage)', () => {
  test('caches objects without managedFields, and a status write from a cached object keeps the stored ones', async () => {
    const store = await setup();
    await store.create(undefined, dataStore('owned'), { user, fieldManager: 'kubectl' });
    const informer = new RegistryInformer(store, logger);
    cleanup.push(() => informer.stop());
    await informer.start();
    const cached = informer.get('owned')!;
    expect(cached.metadata.managedFields).toBeUndefined();
    await store.update(undefined, 'owned', { ...cached, status: { ready: false } }, { user, fieldManager: 'controller', target: 'status' });
    const managers = (await store.get(undefined, 'owned')).metadata.managedFields?.map((entry) => entry.manager);
    expect(managers?.sort()).toEqual(['controller', 'kubectl']);
  });

  test('lists what exists, then follows creates, updates and deletes; the cache mirrors the store', async () => {
    const store = await setup();
    await store.create(undefined, dataStore('before'), { user });
    const informer = new RegistryInformer(store, logger);
    cleanup.push(() => informer.stop());
    const events: [InformerEventType, string][] = [];
    informer.on((type, object: KubeObject) => events.push([type, object.metadata.name ?? '']));
    await informer.start();
    expect(events).toEqual([['ADDED', 'before']]);

    await store.create(undefined, dataStore('after'), { user });
    const current = await store.get(undefined, 'after');
    await store.update(undefined, 'after', { ...current, metadata: { ...current.metadata, labels: { a: 'b' } } }, { user });
    await store.delete(undefined, 'before', { user });
    await expect.poll(() => events.length).toBe(4);
    expect(events.slice(1)).toEqual([
      ['ADDED', 'after'],
      ['MODIFIED', 'after'],
      ['DELETED', 'before'],
    ]);
    expect(informer.list().map((o) => o.metadata.name)).toEqual(['after']);
    expect(informer.get('after')?.metadata.labels).toEqual({ a: 'b' });
  });

  test('a MODIFIED carries the object it replaces, so handlers can ignore what they do not care about', async () => {
    const store = await setup();
    await store.create(undefined, dataStore('one'), { user });
    const informer = new RegistryInformer(store, logger);
    cleanup.push(() => informer.stop());
    const changes: [string | undefined, string | undefined][] = [];
    informer.on((type, object, previous) => {
      if (type === 'MODIFIED') changes.push([previous?.metadata.labels?.['step'], object.metadata.labels?.['step']]);
    });
    await informer.start();
    const current = await store.get(undefined, 'one');
    await store.update(undefined, 'one', { ...current, metadata: { ...current.metadata, labels: { step: 'first' } } }, { user });
    await expect.poll(() => changes.length).toBe(1);
    expect(changes).toEqual([[undefined, 'first']]);
  });

  test('shared: started once however many controllers start it, and a late handler is told of what is cached', async () => {
    const store = await setup();
    await store.create(undefined, dataStore('one'), { user });
    const informer = new RegistryInformer(store, logger);
    cleanup.push(() => informer.stop());
    const early: string[] = [];
    informer.on((type, object) => early.push(`${type} ${object.metadata.name}`));
    await Promise.all([informer.start(), informer.start()]);
    const late: string[] = [];
    informer.on((type, object) => late.push(`${type} ${object.metadata.name}`));
    expect(late).toEqual(['ADDED one']);
    await store.create(undefined, dataStore('two'), { user });
    await expect.poll(() => late).toEqual(['ADDED one', 'ADDED two']);
    // One watch: a second one would have told of `two` twice.
    expect(early).toEqual(['ADDED one', 'ADDED two']);
  });

  test('a removed handler hears nothing more while the informer goes on serving the others', async () => {
    const store = await setup();
    const informer = new RegistryInformer(store, logger);
    cleanup.push(() => informer.stop());
    const stayed: string[] = [];
    const left: string[] = [];
    informer.on((_type, object) => stayed.push(object.metadata.name ?? ''));
    const leave = informer.on((_type, object) => left.push(object.metadata.name ?? ''));
    await informer.start();
    await store.create(undefined, dataStore('one'), { user });
    await expect.poll(() => left).toEqual(['one']);
    leave();
    await store.create(undefined, dataStore('two'), { user });
    await expect.poll(() => stayed).toEqual(['one', 'two']);
    expect(left).toEqual(['one']);
  });
});
