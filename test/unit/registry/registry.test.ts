import { describe, expect, test } from 'vitest';
import { Registry } from '../../../src/registry/registry.ts';
import type { SubresourceHandler } from '../../../src/registry/store.ts';
import { gadgets, newStorage, newStore, widgets } from './fixtures.ts';

describe('Registry', () => {
  test('serves resources by plural, in order, and becomes ready once caches load', async () => {
    const storage = newStorage();
    const w = newStore({}, storage, widgets).store;
    const g = newStore({}, storage, gadgets).store;
    const registry = new Registry([{ store: w }, { store: g }]);
    expect(registry.resource('widgets')?.store).toBe(w);
    expect(registry.resource('nope')).toBeUndefined();
    expect(registry.all().map((r) => r.declaration.plural)).toEqual(['widgets', 'gadgets']);
    await registry.whenReady();
    expect(registry.ready()).toBe(true);
    registry.close();
  });

  test('is not ready while storage cannot be read', async () => {
    const storage = newStorage();
    await storage.close();
    const registry = new Registry([{ store: newStore({}, storage, widgets).store }]);
    expect(registry.ready()).toBe(false);
    registry.close();
  });

  test('custom subresources must be declared by the kind', () => {
    const declared = { ...widgets, customSubresources: [{ name: 'kubeconfig', kind: 'Secret', verbs: ['get'] as const, description: 'x' }] };
    const handler: SubresourceHandler = { subresource: declared.customSubresources[0]!, printerColumns: [] };
    const store = newStore({}, newStorage(), declared).store;
    const registry = new Registry([{ store, subresources: [handler] }]);
    expect(registry.subresource('widgets', 'kubeconfig')).toBe(handler);
    registry.close();
    const plain = newStore({}, newStorage(), widgets).store;
    expect(() => new Registry([{ store: plain, subresources: [handler] }])).toThrow('widgets does not declare the subresource kubeconfig');
    plain.close();
  });
});
