// Which fields a write added, changed or removed, by ownership granularity: a leaf (scalar,
// atomic list or map) that changed is "modified"; map fields and list items that appear or
// disappear are "added"/"removed" themselves, and so is everything below them.
import { isDeepStrictEqual } from 'node:util';
import type { JsonValue } from '../../apis/meta.ts';
import { FieldSet, type FieldPath } from './field-set.ts';
import { fieldOf, shapeOf, type Schema, type Shape } from './shape.ts';

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

interface Child {
  lhs: JsonValue | undefined;
  rhs: JsonValue | undefined;
  schema: Schema;
}

function childrenOf(schema: Schema, lhs: Shape | undefined, rhs: Shape | undefined): Map<string, Child> {
  const children = new Map<string, Child>();
  const add = (shape: Shape | undefined, side: 'lhs' | 'rhs'): void => {
    if (shape?.kind === 'map') {
      for (const [name, value] of Object.entries(shape.value)) {
        // A key holding undefined is absent in JSON terms (it never reaches storage or the wire).
        if (value === undefined) continue;
        const field = fieldOf(schema, name);
        const child = children.get(field.element) ?? { lhs: undefined, rhs: undefined, schema: field.schema };
        child[side] = value;
        children.set(field.element, child);
      }
    } else if (shape?.kind === 'list') {
      for (const { element, item } of shape.elements) {
        const child = children.get(element) ?? { lhs: undefined, rhs: undefined, schema: shape.items };
        child[side] = item;
        children.set(element, child);
      }
    }
  };
  add(lhs, 'lhs');
  add(rhs, 'rhs');
  return children;
}

/** Compares the owned views of two objects (see trackedView) under `schema`. */
export function compare(schema: Schema, lhs: JsonValue, rhs: JsonValue): Comparison {
  const result: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  const walk = (path: FieldPath, schema: Schema, lhs: JsonValue | undefined, rhs: JsonValue | undefined): void => {
    const left = lhs === undefined ? undefined : shapeOf(schema, lhs);
    const right = rhs === undefined ? undefined : shapeOf(schema, rhs);
    if (left && right && left.kind !== right.kind) {
      // The value changed shape (a map became a scalar, say): it is modified, everything that was
      // below it is gone and everything below the new value is new.
      result.modified.insert(path);
      walkChildren(path, schema, left, undefined);
      walkChildren(path, schema, undefined, right);
    } else if ((left ?? right)!.kind === 'leaf') {
      if (lhs === undefined) result.added.insert(path);
      else if (rhs === undefined) result.removed.insert(path);
      else if (!isDeepStrictEqual(lhs, rhs)) result.modified.insert(path);
    } else {
      walkChildren(path, schema, left, right);
    }
  };
  const walkChildren = (path: FieldPath, schema: Schema, left: Shape | undefined, right: Shape | undefined): void => {
    for (const [element, child] of childrenOf(schema, left, right)) {
      const childPath = [...path, element];
      walk(childPath, child.schema, child.lhs, child.rhs);
      if (child.lhs === undefined) result.added.insert(childPath);
      else if (child.rhs === undefined) result.removed.insert(childPath);
    }
  };
  walk([], schema, lhs, rhs);
  return result;
}
