// How the schema says a value is owned: as one leaf, as a map of separately owned fields, or as a
// list whose items are owned one by one (by key or by value). `undefined` schema means a subtree
// the schema does not describe (x-kubernetes-preserve-unknown-fields): maps there are granular and
// lists atomic, as structured-merge-diff deduces them.
import type { JSONSchemaProps } from '../../apis/declaration.ts';
import type { JsonObject, JsonValue } from '../../apis/meta.ts';
import { fieldElement, keyElement, valueElement, type PathElement } from './field-set.ts';

export type Schema = JSONSchemaProps | undefined;

export type Shape =
  | { kind: 'leaf' }
  | { kind: 'map'; value: JsonObject }
  | { kind: 'list'; items: Schema; elements: ListElements };

/** The items of an associative list, each with the path element that names it. */
export type ListElements = ReadonlyArray<{ element: PathElement; item: JsonValue }>;

export function isJsonObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function describesObject(schema: JSONSchemaProps): boolean {
  return (
    schema.type === 'object' ||
    schema.properties !== undefined ||
    schema.additionalProperties !== undefined ||
    schema['x-kubernetes-preserve-unknown-fields'] === true
  );
}

/** Thrown for list items that cannot be named (missing or duplicate keys). */
export class ListElementError extends Error {}

/**
 * Names each item of an associative list: `k:{...}` for list-type map, `v:...` for set.
 * Throws ListElementError when an item lacks a key field (without default) or repeats one.
 */
export function listElements(schema: JSONSchemaProps, list: readonly JsonValue[]): ListElements {
  const keys = schema['x-kubernetes-list-map-keys'] ?? [];
  const byKey = schema['x-kubernetes-list-type'] === 'map';
  const seen = new Set<PathElement>();
  return list.map((item, index) => {
    let element: PathElement;
    if (byKey) {
      if (!isJsonObject(item)) throw new ListElementError(`element ${index}: expected an object in a list of type map`);
      const key: Record<string, JsonValue> = {};
      for (const name of keys) {
        const value = item[name] ?? schema.items?.properties?.[name]?.default;
        if (value === undefined) {
          throw new ListElementError(
            `element ${index}: associative list with keys has an element that omits key field "${name}" (and doesn't have default value)`,
          );
        }
        key[name] = value;
      }
      element = keyElement(key);
    } else {
      element = valueElement(item);
    }
    if (seen.has(element)) throw new ListElementError(`duplicate entries for key ${element.slice(2)}`);
    seen.add(element);
    return { element, item };
  });
}

export function isAssociativeList(schema: JSONSchemaProps): boolean {
  const listType = schema['x-kubernetes-list-type'];
  if (listType === 'set') return true;
  return listType === 'map' && (schema['x-kubernetes-list-map-keys']?.length ?? 0) > 0;
}

/**
 * The shape of `value` under `schema`. A list whose items cannot be named is treated as atomic
 * here; callers that must reject such input (apply) check with listElements first.
 */
export function shapeOf(schema: Schema, value: JsonValue): Shape {
  if (isJsonObject(value)) {
    if (schema === undefined) return { kind: 'map', value };
    if (schema['x-kubernetes-map-type'] === 'atomic' || schema['x-kubernetes-int-or-string']) return { kind: 'leaf' };
    return describesObject(schema) ? { kind: 'map', value } : { kind: 'leaf' };
  }
  if (Array.isArray(value) && schema !== undefined && isAssociativeList(schema)) {
    try {
      return { kind: 'list', items: schema.items, elements: listElements(schema, value) };
    } catch (error) {
      if (error instanceof ListElementError) return { kind: 'leaf' };
      throw error;
    }
  }
  return { kind: 'leaf' };
}

/** The schema of one key of a map, and whether the schema names it (a struct field). */
export function fieldOf(schema: Schema, name: string): { element: PathElement; schema: Schema; named: boolean } {
  const element = fieldElement(name);
  const property = schema?.properties?.[name];
  if (property) return { element, schema: property, named: true };
  const additional = schema?.additionalProperties;
  if (additional !== undefined && typeof additional === 'object') return { element, schema: additional, named: false };
  return { element, schema: undefined, named: false };
}
