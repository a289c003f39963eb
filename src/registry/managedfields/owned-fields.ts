// The fields an applied configuration sets, which become its manager's fields: every leaf, every
// list item, and map keys the schema does not name (or whose value is empty or null).
import type { JsonValue } from '../../apis/meta.ts';
import { FieldSet, formatPath, type FieldPath } from './field-set.ts';
import { fieldOf, isAssociativeList, isJsonObject, ListElementError, listElements, shapeOf, type Schema } from './shape.ts';

/** Thrown when a configuration names list items ambiguously; `field` is where. */
export class ConfigurationError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}

export function ownedFields(schema: Schema, value: JsonValue): FieldSet {
  const set = new FieldSet();
  const walk = (path: FieldPath, schema: Schema, value: JsonValue): void => {
    if (Array.isArray(value) && schema !== undefined && isAssociativeList(schema)) {
      // shapeOf quietly treats unnameable items as atomic; a configuration must name them.
      try {
        listElements(schema, value);
      } catch (error) {
        if (error instanceof ListElementError) throw new ConfigurationError(formatPath(path), error.message);
        throw error;
      }
    }
    const shape = shapeOf(schema, value);
    if (shape.kind === 'leaf') {
      set.insert(path);
    } else if (shape.kind === 'map') {
      for (const [name, child] of Object.entries(shape.value)) {
        const field = fieldOf(schema, name);
        const childPath = [...path, field.element];
        walk(childPath, field.schema, child);
        const empty = child === null || (isJsonObject(child) && Object.keys(child).length === 0);
        if (empty || !field.named) set.insert(childPath);
      }
    } else {
      for (const { element, item } of shape.elements) {
        const childPath = [...path, element];
        walk(childPath, shape.items, item);
        set.insert(childPath);
      }
    }
  };
  walk([], schema, value);
  return set;
}
