// Kind rules read objects through their schema-derived types, which only hold once the object
// fits the schema. The registry reports schema errors itself; until they are fixed, the typed
// rules stay silent instead of tripping over a value of the wrong type.
import type { JSONSchemaProps } from '../declaration.ts';
import type { FieldError } from '../meta.ts';
import { validateAgainstSchema } from './validate.ts';

export function whenSchemaValid<T>(schema: JSONSchemaProps, rules: (object: T) => FieldError[]): (object: T) => FieldError[] {
  return (object) => (validateAgainstSchema(schema, object).length === 0 ? rules(object) : []);
}

export function whenBothSchemaValid<T>(
  schema: JSONSchemaProps,
  rules: (object: T, old: T) => FieldError[],
): (object: T, old: T) => FieldError[] {
  return (object, old) =>
    validateAgainstSchema(schema, object).length === 0 && validateAgainstSchema(schema, old).length === 0 ? rules(object, old) : [];
}

/** Computed defaults read typed fields too; an object the schema rejects is left as it is. */
export function defaultWhenSchemaValid<T, C>(schema: JSONSchemaProps, apply: (object: T, context: C) => void): (object: T, context: C) => void {
  return (object, context) => {
    if (validateAgainstSchema(schema, object).length === 0) apply(object, context);
  };
}
