// Kind rules read objects through their schema-derived types, which only hold once the object
// fits the schema. The registry reports schema errors itself; until they are fixed, the typed
// rules stay silent instead of tripping over a value of the wrong type.
import type { JSONSchemaProps } from '../declaration.ts';
import type { FieldError } from '../meta.ts';
import { validateAgainstSchema } from './validate.ts';

export function whenSchemaValid<T>(schema: JSONSchemaProps, rules: (object: T) => FieldError[]): (object: T) => FieldError[] {
  return (object) => (validateAgainstSchema(schema, object).length === 0 ? rules(object) : []);
}

/**
 * Update rules compare the new object with the stored one. A stored object the schema no longer
 * accepts (the schema was tightened since) cannot be compared field by field; the new object then
 * gets the create rules, so it is still checked on its own.
 */
export function updateWhenSchemaValid<T>(
  schema: JSONSchemaProps,
  update: (object: T, old: T) => FieldError[],
  create: (object: T) => FieldError[],
): (object: T, old: T) => FieldError[] {
  return (object, old) => {
    if (validateAgainstSchema(schema, object).length > 0) return [];
    return validateAgainstSchema(schema, old).length === 0 ? update(object, old) : create(object);
  };
}

/** Computed defaults read typed fields too; an object the schema rejects is left as it is. */
export function defaultWhenSchemaValid<T, C>(schema: JSONSchemaProps, apply: (object: T, context: C) => void): (object: T, context: C) => void {
  return (object, context) => {
    if (validateAgainstSchema(schema, object).length === 0) apply(object, context);
  };
}

/** The update-time counterpart: both objects must fit the schema before computed defaults run. */
export function defaultOnUpdateWhenSchemaValid<T>(schema: JSONSchemaProps, apply: (object: T, old: T) => void): (object: T, old: T) => void {
  return (object, old) => {
    if (validateAgainstSchema(schema, object).length === 0 && validateAgainstSchema(schema, old).length === 0) apply(object, old);
  };
}
