// Validation of a decoded object against a structural schema, reporting apimachinery-style
// FieldErrors. Unknown fields are not errors here (they are pruned, see unknown-fields.ts), and
// the envelope's metadata is validated by the registry.
import type { JSONSchemaProps } from '../declaration.ts';
import type { FieldError, JsonValue } from '../meta.ts';
import { checkFormat } from './formats.ts';
import { canonicalJson, isJsonObject } from './json.ts';
import { fieldPath, indexPath, keyPath } from './path.ts';

export function validateAgainstSchema(schema: JSONSchemaProps, object: unknown, pathPrefix = ''): FieldError[] {
  const errors: FieldError[] = [];
  validateValue(schema, object as JsonValue | undefined, pathPrefix, errors);
  return errors;
}

const patterns = new Map<string, RegExp>();
function compiled(pattern: string): RegExp {
  let regexp = patterns.get(pattern);
  if (!regexp) patterns.set(pattern, (regexp = new RegExp(pattern, 'u')));
  return regexp;
}

function typeName(value: JsonValue): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function hasType(schema: JSONSchemaProps, value: JsonValue): boolean {
  if (schema['x-kubernetes-int-or-string']) return typeof value === 'string' || Number.isInteger(value);
  switch (schema.type) {
    case undefined:
      return true;
    case 'object':
      return isJsonObject(value);
    case 'array':
      return Array.isArray(value);
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    default:
      return typeof value === schema.type;
  }
}

function validateValue(schema: JSONSchemaProps, value: JsonValue | undefined, path: string, errors: FieldError[]): void {
  if (value === undefined) return;
  if (value === null) {
    if (!schema.nullable && (schema.type || schema['x-kubernetes-int-or-string'])) {
      errors.push({ type: 'FieldValueTypeInvalid', field: path, value, detail: `must be of type ${expected(schema)}` });
    }
    return;
  }
  if (!hasType(schema, value)) {
    errors.push({ type: 'FieldValueTypeInvalid', field: path, value: typeName(value), detail: `must be of type ${expected(schema)}` });
    return;
  }
  if (schema.enum && !enumAllows(schema.enum, value)) {
    const supportedValues = schema.enum.map((allowed) => (typeof allowed === 'string' ? allowed : JSON.stringify(allowed)));
    errors.push({ type: 'FieldValueNotSupported', field: path, value, detail: `supported values: ${supportedValues.map((v) => `"${v}"`).join(', ')}`, supportedValues });
  }
  if (typeof value === 'string') validateString(schema, value, path, errors);
  else if (typeof value === 'number') validateNumber(schema, value, path, errors);
  else if (Array.isArray(value)) validateArray(schema, value, path, errors);
  else if (isJsonObject(value)) validateObject(schema, value, path, errors);
}

/** Scalars compare as they are (their canonical JSON is equal exactly when they are); only objects and arrays need canonical JSON. */
function enumAllows(allowed: readonly JsonValue[], value: JsonValue): boolean {
  if (typeof value !== 'object' || value === null) return allowed.includes(value);
  const wanted = canonicalJson(value);
  return allowed.some((candidate) => typeof candidate === 'object' && candidate !== null && canonicalJson(candidate) === wanted);
}

function expected(schema: JSONSchemaProps): string {
  return schema['x-kubernetes-int-or-string'] ? 'integer or string' : (schema.type ?? 'any');
}

function validateString(schema: JSONSchemaProps, value: string, path: string, errors: FieldError[]): void {
  const length = [...value].length;
  if (schema.maxLength !== undefined && length > schema.maxLength) {
    errors.push({ type: 'FieldValueTooLong', field: path, value, detail: `may not be more than ${schema.maxLength} characters` });
  }
  if (schema.minLength !== undefined && length < schema.minLength) {
    errors.push({ type: 'FieldValueInvalid', field: path, value, detail: `should be at least ${schema.minLength} characters long` });
  }
  if (schema.pattern !== undefined && !compiled(schema.pattern).test(value)) {
    errors.push({ type: 'FieldValueInvalid', field: path, value, detail: `should match '${schema.pattern}'` });
  }
  const formatProblem = schema.format ? checkFormat(schema.format, value) : undefined;
  if (formatProblem) errors.push({ type: 'FieldValueTypeInvalid', field: path, value, detail: formatProblem });
}

function validateNumber(schema: JSONSchemaProps, value: number, path: string, errors: FieldError[]): void {
  if (schema.minimum !== undefined && value < schema.minimum) {
    errors.push({ type: 'FieldValueInvalid', field: path, value, detail: `should be greater than or equal to ${schema.minimum}` });
  }
  if (schema.maximum !== undefined && value > schema.maximum) {
    errors.push({ type: 'FieldValueInvalid', field: path, value, detail: `should be less than or equal to ${schema.maximum}` });
  }
  const formatProblem = schema.format ? checkFormat(schema.format, value) : undefined;
  if (formatProblem) errors.push({ type: 'FieldValueTypeInvalid', field: path, value, detail: formatProblem });
}

function validateArray(schema: JSONSchemaProps, value: JsonValue[], path: string, errors: FieldError[]): void {
  if (schema.maxItems !== undefined && value.length > schema.maxItems) {
    errors.push({ type: 'FieldValueTooMany', field: path, value: value.length, detail: `must have at most ${schema.maxItems} items` });
  }
  if (schema.minItems !== undefined && value.length < schema.minItems) {
    errors.push({ type: 'FieldValueInvalid', field: path, value: value.length, detail: `should have at least ${schema.minItems} items` });
  }
  if (schema.items) value.forEach((item, i) => validateValue(schema.items!, item, indexPath(path, i), errors));
  const listType = schema['x-kubernetes-list-type'];
  if (listType === 'set' || listType === 'map') {
    const keysOf = (item: JsonValue): string =>
      listType === 'set' || !isJsonObject(item)
        ? canonicalJson(item)
        : canonicalJson((schema['x-kubernetes-list-map-keys'] ?? []).map((key) => item[key] ?? null));
    const seen = new Set<string>();
    value.forEach((item, i) => {
      const key = keysOf(item);
      if (seen.has(key)) errors.push({ type: 'FieldValueDuplicate', field: indexPath(path, i), value: listType === 'set' ? item : key, detail: 'Duplicate value' });
      seen.add(key);
    });
  }
}

function validateObject(schema: JSONSchemaProps, value: { [key: string]: JsonValue }, path: string, errors: FieldError[]): void {
  for (const key of schema.required ?? []) {
    if (value[key] === undefined) errors.push({ type: 'FieldValueRequired', field: fieldPath(path, key), detail: '' });
  }
  for (const [key, child] of Object.entries(value)) {
    const propertySchema = schema.properties?.[key];
    if (propertySchema) validateValue(propertySchema, child, fieldPath(path, key), errors);
    else if (typeof schema.additionalProperties === 'object') validateValue(schema.additionalProperties, child, keyPath(path, key), errors);
  }
}
