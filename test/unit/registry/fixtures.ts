// A small namespaced kind with a status subresource (Widget) and a cluster-scoped one without
// (Gadget), declared exactly as src/apis declares the real kinds, so registry tests do not depend
// on TenantControlPlane or DataStore.
import { onTestFinished } from 'vitest';
import type { ResourceDeclaration } from '../../../src/apis/declaration.ts';
import type { FieldError, KubeObject, UserInfo } from '../../../src/apis/meta.ts';
import { MemoryDatastore, MemoryStorage } from '../../../src/storage/memory.ts';
import { createResourceStore, type ResourceStoreOptions } from '../../../src/registry/resource-store.ts';
import type { WatchEvent, WatchSubscription, ResourceStore, WatchRequest } from '../../../src/registry/store.ts';

export const user: UserInfo = { username: 'alice', groups: ['system:authenticated'] };

export const widgets: ResourceDeclaration = {
  group: 'example.kamaji.io',
  version: 'v1',
  kind: 'Widget',
  listKind: 'WidgetList',
  plural: 'widgets',
  singular: 'widget',
  shortNames: ['wd'],
  categories: ['all'],
  scope: 'Namespaced',
  nameFormat: 'dns1123-subdomain',
  description: 'A widget for tests.',
  schema: {
    type: 'object',
    required: ['spec'],
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec: {
        type: 'object',
        properties: {
          size: { type: 'integer', minimum: 1, default: 1 },
          color: { type: 'string', enum: ['red', 'blue'] },
          owner: { type: 'string' },
          tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
          extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        },
      },
      status: {
        type: 'object',
        properties: {
          phase: { type: 'string' },
          observedGeneration: { type: 'integer' },
        },
      },
    },
  },
  printerColumns: [
    { name: 'Size', type: 'integer', description: 'How big.', priority: 0, jsonPath: '.spec.size' },
    { name: 'Phase', type: 'string', description: 'Where it is.', priority: 0, jsonPath: '.status.phase' },
    { name: 'Color', type: 'string', description: 'Its color.', priority: 1, jsonPath: '.spec.color' },
    { name: 'Age', type: 'date', description: 'How old.', priority: 0, jsonPath: '.metadata.creationTimestamp' },
  ],
  statusSubresource: true,
  customSubresources: [],
  defaultOnCreate(object, context) {
    if (object.spec && object.spec.owner === undefined && context.defaultDataStore) object.spec.owner = context.defaultDataStore;
  },
  // The owner is set once: a write that leaves it out keeps it.
  defaultOnUpdate(object, old) {
    if (object.spec && object.spec.owner === undefined && old.spec?.owner !== undefined) object.spec.owner = old.spec.owner;
  },
  validateCreate(object) {
    const errors: FieldError[] = [];
    if (object.spec?.color === 'blue' && typeof object.spec.size === 'number' && object.spec.size > 10) {
      errors.push({ type: 'FieldValueInvalid', field: 'spec.size', value: object.spec.size, detail: 'blue widgets are at most 10' });
    }
    return errors;
  },
  validateUpdate(object, old) {
    if (old.spec?.color !== undefined && object.spec?.color !== old.spec.color) {
      return [{ type: 'FieldValueInvalid', field: 'spec.color', value: object.spec?.color ?? null, detail: 'field is immutable' }];
    }
    return [];
  },
};

export const gadgets: ResourceDeclaration = {
  ...widgets,
  kind: 'Gadget',
  listKind: 'GadgetList',
  plural: 'gadgets',
  singular: 'gadget',
  shortNames: [],
  scope: 'Cluster',
  statusSubresource: false,
  printerColumns: [],
};

export function widget(name: string, spec: Record<string, unknown> = { size: 2 }, extra: Partial<KubeObject> = {}): KubeObject {
  return { apiVersion: 'example.kamaji.io/v1', kind: 'Widget', metadata: { name }, spec: spec as KubeObject['spec'], ...extra };
}

export function newStorage(): MemoryStorage {
  return new MemoryStorage(new MemoryDatastore());
}

export function newStore(
  options: Partial<ResourceStoreOptions> = {},
  storage = newStorage(),
  declaration: ResourceDeclaration = widgets,
) {
  const store = createResourceStore(declaration, storage, {
    defaulting: { defaultDataStore: 'default' },
    futureRevisionWaitMs: 200,
    ...options,
  });
  return { store, storage };
}

/** A store for the running test, closed when the test ends. */
export function setup(...args: Parameters<typeof newStore>) {
  const made = newStore(...args);
  onTestFinished(() => made.store.close());
  return made;
}

/** Runs `fn` and returns the Status it was rejected with. */
export async function statusOf(fn: () => Promise<unknown>) {
  try {
    await fn();
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    if (status) return status as { code: number; reason: string; message: string; details?: Record<string, unknown>; metadata: Record<string, unknown> };
    throw error;
  }
  throw new Error('expected the call to fail');
}

/** A watch whose events are collected; `next(n)` waits for n more events (no timing assertions). */
export async function collect(store: ResourceStore, request: WatchRequest) {
  const events: WatchEvent[] = [];
  let waiters: (() => void)[] = [];
  const subscription: WatchSubscription = await store.watch(request, (event) => {
    events.push(event);
    for (const w of waiters.splice(0)) w();
  });
  let consumed = 0;
  return {
    events,
    subscription,
    /** Resolves with the next `n` events not yet returned. */
    async next(n = 1): Promise<WatchEvent[]> {
      while (events.length < consumed + n) await new Promise<void>((resolve) => waiters.push(resolve));
      const out = events.slice(consumed, consumed + n);
      consumed += n;
      return out;
    },
    close: () => subscription.close(),
  };
}

export const summary = (events: WatchEvent[]) =>
  events.map((e) => `${e.type} ${(e.object as KubeObject).metadata?.name ?? ''}`.trim());
