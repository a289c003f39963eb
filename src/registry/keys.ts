// Where objects live in storage: `/<group>/<plural>/<namespace>/<name>` for namespaced kinds,
// `/<group>/<plural>/<name>` for cluster-scoped ones. Every prefix ends in '/', so a namespace's
// prefix never matches a longer namespace that starts with the same letters.

export interface KeyLayout {
  group: string;
  plural: string;
  namespaced: boolean;
}

/** The prefix of every object of the resource (all namespaces). */
export function resourcePrefix(layout: KeyLayout): string {
  return `/${layout.group}/${layout.plural}/`;
}

/** The prefix to list: one namespace, or all of them when `namespace` is undefined or empty. */
export function listPrefix(layout: KeyLayout, namespace: string | undefined): string {
  if (!layout.namespaced || !namespace) return resourcePrefix(layout);
  return `${resourcePrefix(layout)}${namespace}/`;
}

export function objectKey(layout: KeyLayout, namespace: string | undefined, name: string): string {
  if (layout.namespaced) {
    if (!namespace) throw new Error(`a namespace is required for ${layout.plural}`);
    return `${resourcePrefix(layout)}${namespace}/${name}`;
  }
  return `${resourcePrefix(layout)}${name}`;
}

/** Orders keys by their UTF-8 bytes, as every storage driver lists them. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
