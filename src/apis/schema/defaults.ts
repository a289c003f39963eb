// Structural-schema defaulting as kube-apiserver does it for CRDs: a missing field with a
// `default` gets a copy of it, a null in a non-nullable field is replaced by its default or
// dropped, and defaulting continues inside the defaulted values.
import type { JSONSchemaProps } from '../declaration.ts';
import type { JsonValue } from '../meta.ts';
import { isJsonObject } from './json.ts';

/** Fills defaults into `value` in place and returns it. */
export function applySchemaDefaults<T>(schema: JSONSchemaProps, value: T): T {
  defaultValue(schema, value as JsonValue);
  return value;
}

function defaultValue(schema: JSONSchemaProps, value: JsonValue | undefined): void {
  if (Array.isArray(value)) {
    if (schema.items) for (const item of value) defaultValue(schema.items, item);
    return;
  }
  if (!isJsonObject(value)) return;
  for (const [key, propertySchema] of Object.entries(schema.properties ?? {})) {
    const current = value[key];
    if (current === null && !propertySchema.nullable) {
      if (propertySchema.default === undefined) delete value[key];
      else value[key] = structuredClone(propertySchema.default);
    } else if (current === undefined && propertySchema.default !== undefined) {
      value[key] = structuredClone(propertySchema.default);
    }
    defaultValue(propertySchema, value[key]);
  }
  const additional = schema.additionalProperties;
  if (typeof additional === 'object') {
    for (const key of Object.keys(value)) {
      if (!(schema.properties && key in schema.properties)) defaultValue(additional, value[key]);
    }
  }
}
