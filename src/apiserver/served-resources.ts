// What the HTTP layer needs of the registry: the resources it serves and whether it can answer yet.
// The registry's Registry class has this shape; the HTTP layer depends on nothing more.
import type { RegisteredResource } from '../registry/store.ts';

export interface ServedResources {
  /** The resource with this plural name, if served. */
  resource(plural: string): RegisteredResource | undefined;
  /** Every served resource, in discovery order. */
  all(): readonly RegisteredResource[];
  /** False until storage answers and caches are primed: until then /readyz fails and resources answer 503. */
  ready(): boolean | Promise<boolean>;
}

/** Verbs of a custom subresource: what the declaration names and the handler implements. */
export function customSubresourceVerbs(resource: RegisteredResource, name: string): string[] {
  const declared = resource.declaration.customSubresources.find((s) => s.name === name);
  const handler = resource.subresources.get(name);
  if (!declared || !handler) return [];
  return declared.verbs.filter((verb) => (verb === 'get' ? handler.get : handler.create) !== undefined);
}
