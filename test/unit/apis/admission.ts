// The order the registry applies a declaration on create, for tests of src/apis in isolation:
// unknown fields, schema defaults, computed defaults, schema validation, kind validation. As the
// registry's strategy does, the typed rules run only on objects that fit the schema.
import type { DefaultingContext, ResourceDeclaration } from '../../../src/apis/declaration.ts';
import type { FieldError, KubeObject } from '../../../src/apis/meta.ts';
import { applySchemaDefaults, findUnknownFields, validateAgainstSchema } from '../../../src/apis/index.ts';

export interface Admitted<T> {
  object: T;
  unknownFields: string[];
  errors: FieldError[];
}

export function admitCreate<T extends KubeObject>(
  declaration: ResourceDeclaration<T>,
  input: unknown,
  context: DefaultingContext = {},
): Admitted<T> {
  const object = structuredClone(input) as T;
  const unknownFields = findUnknownFields(declaration.schema, object);
  object.metadata.uid ??= '5f0c5b9e-8a4e-4c3b-9d57-0b6b9a1f2c3d';
  applySchemaDefaults(declaration.schema, object);
  if (fits(declaration, object)) declaration.defaultOnCreate(object, context);
  const schemaErrors = validateAgainstSchema(declaration.schema, object);
  const errors = [...schemaErrors, ...(schemaErrors.length === 0 ? declaration.validateCreate(object) : [])];
  return { object, unknownFields, errors };
}

export function admitUpdate<T extends KubeObject>(declaration: ResourceDeclaration<T>, input: unknown, old: T): FieldError[] {
  const object = structuredClone(input) as T;
  applySchemaDefaults(declaration.schema, object);
  const oldFits = fits(declaration, old);
  if (oldFits && fits(declaration, object)) declaration.defaultOnUpdate(object, old);
  const schemaErrors = validateAgainstSchema(declaration.schema, object);
  if (schemaErrors.length > 0) return schemaErrors;
  return oldFits ? declaration.validateUpdate(object, old) : declaration.validateCreate(object);
}

function fits(declaration: ResourceDeclaration<KubeObject>, object: KubeObject): boolean {
  return validateAgainstSchema(declaration.schema, object).length === 0;
}

/** `field: type` of each error, compact to assert on. */
export function summary(errors: FieldError[]): string[] {
  return errors.map((e) => `${e.field}: ${e.type}`);
}
