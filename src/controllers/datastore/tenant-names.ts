// Which TenantControlPlane holds each schema and each user in each DataStore, kept from an
// informer over the tcps, so that admitting a tcp looks up its two names instead of listing every
// tcp: with a list per create, the 10,000th create read and decoded 10,000 objects from storage,
// and creates slowed to a few per second.
//
// Like any check behind a cache, it sees the tcps this replica has been told of: two tcps created
// with the same schema at the same moment through two replicas can both pass (as they could with
// the list it replaces, which was read before either write).
import type { TenantControlPlane } from '../../apis/index.ts';
import type { KubeObject } from '../../apis/meta.ts';
import { objectKey, type RegistryInformer } from '../runtime/registry-informer.ts';

/** The spec fields a tcp may not share with another tcp in the same DataStore. */
export const EXCLUSIVE_NAME_FIELDS = ['dataStoreSchema', 'dataStoreUsername'] as const;
export type ExclusiveNameField = (typeof EXCLUSIVE_NAME_FIELDS)[number];

const entryKey = (dataStore: string, field: ExclusiveNameField, value: string) => `${dataStore}\u0000${field}\u0000${value}`;

/** The index entries of one tcp: each of its names in the DataStore it names and the one holding its data. */
function entriesOf(object: KubeObject): string[] {
  const tcp = object as unknown as TenantControlPlane;
  const dataStores = new Set([tcp.spec?.dataStore, tcp.status?.storage?.dataStoreName].filter((name): name is string => Boolean(name)));
  const entries: string[] = [];
  for (const dataStore of dataStores) {
    for (const field of EXCLUSIVE_NAME_FIELDS) {
      const value = tcp.spec?.[field];
      if (value) entries.push(entryKey(dataStore, field, value));
    }
  }
  return entries;
}

export class TenantControlPlaneNames {
  /** Entry → `namespace/name` of the tcps holding it. */
  readonly #holders = new Map<string, Set<string>>();
  #informer: RegistryInformer | undefined;

  /**
   * Keeps the index from `informer`, which the controllers share on the leader (one copy of every
   * tcp per process). main.ts binds it once the Registry exists: the admission that asks this index
   * is built before the Registry that serves the tcps. The informer is started on first use and
   * stopped by whoever made it.
   */
  follow(informer: RegistryInformer): void {
    this.#informer = informer;
    informer.on((type, object, previous) => {
      const key = objectKey(object);
      for (const entry of entriesOf(type === 'DELETED' ? object : (previous ?? object))) {
        const holders = this.#holders.get(entry);
        holders?.delete(key);
        if (holders?.size === 0) this.#holders.delete(entry);
      }
      if (type === 'DELETED') return;
      for (const entry of entriesOf(object)) {
        const holders = this.#holders.get(entry) ?? new Set<string>();
        holders.add(key);
        this.#holders.set(entry, holders);
      }
    });
  }

  /** `namespace/name` of the tcps holding `value` as `field` in `dataStore`. */
  async holders(dataStore: string, field: ExclusiveNameField, value: string): Promise<string[]> {
    if (!this.#informer) throw new Error('TenantControlPlaneNames: follow() was not called');
    await this.#informer.start();
    return [...(this.#holders.get(entryKey(dataStore, field, value)) ?? [])];
  }
}
