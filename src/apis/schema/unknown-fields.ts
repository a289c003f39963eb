// Fields a structural schema does not declare. kube-apiserver prunes them from every write and,
// with fieldValidation=Strict or Warn, reports them first. The envelope's `metadata` (and that of
// embedded resources) is ObjectMeta, checked by the registry, so it is never walked here.
import type { JSONSchemaProps } from '../declaration.ts';
import type { JsonObject, JsonValue } from '../meta.ts';
import { isJsonObject } from './json.ts';
import { fieldPath, indexPath, keyPath } from './path.ts';

/** Dotted paths (`spec.foo`, `spec.list[0].bar`) of every undeclared field, in document order. */
export function findUnknownFields(schema: JSONSchemaProps, object: unknown): string[] {
  const found: string[] = [];
  walk(schema, object as JsonValue, '', true, (path) => found.push(path));
  return found;
}

/** Removes every undeclared field from `object` in place and returns it. */
export function pruneUnknownFields<T>(schema: JSONSchemaProps, object: T): T {
  walk(schema, object as JsonValue, '', true, (_path, parent, key) => delete parent[key]);
  return object;
}

type OnUnknown = (path: string, parent: JsonObject, key: string) => void;

function walk(schema: JSONSchemaProps, value: JsonValue | undefined, path: string, isResource: boolean, onUnknown: OnUnknown): void {
  if (schema['x-kubernetes-preserve-unknown-fields'] && !schema.properties && !schema.items) return;
  if (Array.isArray(value)) {
    if (schema.items) value.forEach((item, i) => walk(schema.items!, item, indexPath(path, i), false, onUnknown));
    return;
  }
  if (!isJsonObject(value)) return;
  const resource = isResource || schema['x-kubernetes-embedded-resource'] === true;
  const additional = schema.additionalProperties;
  for (const key of Object.keys(value)) {
    if (resource && key === 'metadata') continue;
    if (resource && (key === 'apiVersion' || key === 'kind') && !schema.properties?.[key]) continue;
    const propertySchema = schema.properties?.[key];
    if (propertySchema) walk(propertySchema, value[key], fieldPath(path, key), false, onUnknown);
    else if (typeof additional === 'object') walk(additional, value[key], keyPath(path, key), false, onUnknown);
    else if (additional !== true && !schema['x-kubernetes-preserve-unknown-fields']) {
      onUnknown(fieldPath(path, key), value, key);
    }
  }
}
