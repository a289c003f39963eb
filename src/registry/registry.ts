// Every served resource in one place: the HTTP layer routes by plural, discovery lists them in
// order, /readyz asks whether every watch cache has loaded (before that, requests answer 503,
// never a 404 that would make the garbage collector delete dependents).
import type { ManagedResourceStore } from './resource-store.ts';
import type { RegisteredResource, SubresourceHandler } from './store.ts';

export interface RegistryEntry {
  store: ManagedResourceStore;
  /** Custom subresources (kubeconfig, join) by their handlers; each must be declared by the kind. */
  subresources?: readonly SubresourceHandler[];
}

export class Registry {
  readonly #resources = new Map<string, RegisteredResource>();
  readonly #stores: ManagedResourceStore[] = [];

  constructor(entries: readonly RegistryEntry[]) {
    for (const { store, subresources = [] } of entries) {
      const { declaration } = store;
      if (this.#resources.has(declaration.plural)) throw new Error(`resource ${declaration.plural} registered twice`);
      const handlers = new Map<string, SubresourceHandler>();
      for (const handler of subresources) {
        const name = handler.subresource.name;
        if (!declaration.customSubresources.some((s) => s.name === name)) {
          throw new Error(`${declaration.plural} does not declare the subresource ${name}`);
        }
        handlers.set(name, handler);
      }
      this.#resources.set(declaration.plural, { declaration, store, subresources: handlers });
      this.#stores.push(store);
    }
  }

  resource(plural: string): RegisteredResource | undefined {
    return this.#resources.get(plural);
  }

  all(): readonly RegisteredResource[] {
    return [...this.#resources.values()];
  }

  subresource(plural: string, name: string): SubresourceHandler | undefined {
    return this.#resources.get(plural)?.subresources.get(name);
  }

  /** True once every store's watch cache holds the current state. */
  ready(): boolean {
    return this.#stores.every((store) => store.synced);
  }

  async whenReady(): Promise<void> {
    await Promise.all(this.#stores.map((store) => store.whenSynced()));
  }

  /** Stops the watch caches; open watches end so clients reconnect to another replica. */
  close(): void {
    for (const store of this.#stores) store.close();
  }
}
