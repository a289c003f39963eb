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
});
