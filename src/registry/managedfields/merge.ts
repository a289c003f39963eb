// Merging an applied configuration into the live object, and removing owned subtrees from it.
// Granular maps merge field by field, associative lists item by item (by key or value); leaves,
// atomic lists and atomic maps are replaced whole by the configuration.
import type { JsonObject, JsonValue } from '../../apis/meta.ts';
import type { FieldSet, PathElement } from './field-set.ts';
import { fieldOf, shapeOf, type ListElements, type Schema } from './shape.ts';

/**
 * The merged order of two associative lists, in the manner of structured-merge-diff (not its exact
 * algorithm): the configuration's items in its order; live-only items stay where they were, ahead
 * of configured items that followed them, and new items come after the live-only ones before them.
 */
function mergedOrder(live: ListElements, applied: ListElements): PathElement[] {
  const appliedElements = new Set(applied.map(({ element }) => element));
  const liveIndex = new Map(live.map(({ element }, index) => [element, index]));
  const order: PathElement[] = [];
  let next = 0;
  const keepLiveOnlyUntil = (end: number): void => {
    for (; next < end; next++) {
      if (!appliedElements.has(live[next]!.element)) order.push(live[next]!.element);
    }
  };
  for (const { element } of applied) {
    const index = liveIndex.get(element);
    if (index === undefined) {
      while (next < live.length && !appliedElements.has(live[next]!.element)) order.push(live[next++]!.element);
    } else {
      keepLiveOnlyUntil(index);
      next = Math.max(next, index + 1);
    }
    order.push(element);
  }
  keepLiveOnlyUntil(live.length);
  return order;
}

export function merge(schema: Schema, live: JsonValue | undefined, applied: JsonValue | undefined): JsonValue | undefined {
  if (applied === undefined) return live === undefined ? undefined : structuredClone(live);
  if (live === undefined) return structuredClone(applied);
  const left = shapeOf(schema, live);
  const right = shapeOf(schema, applied);
  if (left.kind === 'map' && right.kind === 'map') {
    const out: JsonObject = {};
    for (const name of new Set([...Object.keys(left.value), ...Object.keys(right.value)])) {
      out[name] = merge(fieldOf(schema, name).schema, left.value[name], right.value[name])!;
    }
    return out;
  }
  if (left.kind === 'list' && right.kind === 'list') {
    const liveItems = new Map(left.elements.map(({ element, item }) => [element, item]));
    const appliedItems = new Map(right.elements.map(({ element, item }) => [element, item]));
    return mergedOrder(left.elements, right.elements).map(
      (element) => merge(right.items, liveItems.get(element), appliedItems.get(element))!,
    );
  }
  return structuredClone(applied);
}

/** `value` without the subtrees at the members of `set`. */
export function removeItems(schema: Schema, value: JsonValue, set: FieldSet): JsonValue {
  const shape = shapeOf(schema, value);
  if (shape.kind === 'map') {
    const out: JsonObject = {};
    for (const [name, child] of Object.entries(shape.value)) {
      const field = fieldOf(schema, name);
      const below = set.children.get(field.element);
      if (below?.member) continue;
      out[name] = below ? removeItems(field.schema, child, below) : child;
    }
    return out;
  }
  if (shape.kind === 'list') {
    const out: JsonValue[] = [];
    for (const { element, item } of shape.elements) {
      const below = set.children.get(element);
      if (below?.member) continue;
      out.push(below ? removeItems(shape.items, item, below) : item);
    }
    return out;
  }
  return value;
}
