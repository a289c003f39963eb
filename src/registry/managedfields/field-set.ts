// A set of field paths, kept as a tree the way structured-merge-diff keeps it. Each path element
// is stored in its fieldsV1 spelling (`f:name`, `k:{"type":"Ready"}`, `v:"value"`, `i:0`), so
// the tree serializes to managedFields' `fieldsV1` and back without translation.
import type { JsonObject, JsonValue } from '../../apis/meta.ts';

/** One step of a path, spelled as in fieldsV1. */
export type PathElement = string;
export type FieldPath = readonly PathElement[];

export function fieldElement(name: string): PathElement {
  return `f:${name}`;
}

/** `k:{"name":"a","port":80}` — the key fields sorted by name, as upstream sorts them. */
export function keyElement(key: Record<string, JsonValue>): PathElement {
  const sorted: JsonObject = {};
  for (const name of Object.keys(key).sort()) sorted[name] = key[name]!;
  return `k:${JSON.stringify(sorted)}`;
}

export function valueElement(value: JsonValue): PathElement {
  return `v:${JSON.stringify(value)}`;
}

// Upstream orders path elements by kind first (field names, keys, values, indexes), then by value.
const ELEMENT_RANK: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };

function compareElements(a: PathElement, b: PathElement): number {
  const rank = (ELEMENT_RANK[a[0]!] ?? 4) - (ELEMENT_RANK[b[0]!] ?? 4);
  if (rank !== 0) return rank;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** How fieldpath.Path prints a value inside `[...]`: strings quoted, the rest as JSON. */
function printValue(value: JsonValue): string {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}=${printValue(v)}`)
      .join(',')}}`;
  }
  if (Array.isArray(value)) return `[${value.map(printValue).join(',')}]`;
  return JSON.stringify(value);
}

/** `.spec.conditions[type="Ready"].status`, as conflict messages and causes show a path. */
export function formatPath(path: FieldPath): string {
  return path
    .map((element) => {
      const body = element.slice(2);
      switch (element[0]) {
        case 'f':
          return `.${body}`;
        case 'k': {
          const key = JSON.parse(body) as JsonObject;
          return `[${Object.entries(key)
            .map(([name, value]) => `${name}=${printValue(value)}`)
            .join(',')}]`;
        }
        case 'v':
          return `[=${printValue(JSON.parse(body) as JsonValue)}]`;
        default:
          return `[${body}]`;
      }
    })
    .join('');
}

export class FieldSet {
  /** Whether the path leading to this node is itself in the set (`{".":{}}` when it has children). */
  member = false;
  readonly children = new Map<PathElement, FieldSet>();

  static of(paths: Iterable<FieldPath>): FieldSet {
    const set = new FieldSet();
    for (const path of paths) set.insert(path);
    return set;
  }

  insert(path: FieldPath): void {
    let node: FieldSet = this;
    for (const element of path) {
      let child = node.children.get(element);
      if (!child) {
        child = new FieldSet();
        node.children.set(element, child);
      }
      node = child;
    }
    node.member = true;
  }

  /** The node at `path`, if any member lies at or below it. */
  at(path: FieldPath): FieldSet | undefined {
    let node: FieldSet | undefined = this;
    for (const element of path) {
      node = node.children.get(element);
      if (!node) return undefined;
    }
    return node;
  }

  has(path: FieldPath): boolean {
    return this.at(path)?.member ?? false;
  }

  isEmpty(): boolean {
    return !this.member && this.children.size === 0;
  }

  /** Every member path, in upstream's sorted order. */
  paths(): FieldPath[] {
    const out: FieldPath[] = [];
    const walk = (node: FieldSet, prefix: PathElement[]): void => {
      if (node.member) out.push(prefix);
      for (const element of [...node.children.keys()].sort(compareElements)) {
        walk(node.children.get(element)!, [...prefix, element]);
      }
    };
    walk(this, []);
    return out;
  }

  union(other: FieldSet): FieldSet {
    const out = this.clone();
    for (const path of other.paths()) out.insert(path);
    return out;
  }

  /** Members of this set that are not members of `other` (exact paths, not subtrees). */
  difference(other: FieldSet): FieldSet {
    return FieldSet.of(this.paths().filter((path) => !other.has(path)));
  }

  intersection(other: FieldSet): FieldSet {
    return FieldSet.of(this.paths().filter((path) => other.has(path)));
  }

  equals(other: FieldSet): boolean {
    const mine = this.paths();
    const theirs = other.paths();
    return mine.length === theirs.length && mine.every((path) => other.has(path));
  }

  clone(): FieldSet {
    return FieldSet.of(this.paths());
  }

  toFieldsV1(): JsonObject {
    const out: JsonObject = {};
    if (this.member && this.children.size > 0) out['.'] = {};
    for (const element of [...this.children.keys()].sort(compareElements)) {
      out[element] = this.children.get(element)!.toFieldsV1();
    }
    return out;
  }

  /** Reads a fieldsV1 tree; returns undefined when it is not one. */
  static fromFieldsV1(fields: JsonValue | undefined): FieldSet | undefined {
    if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) return undefined;
    const set = new FieldSet();
    const read = (node: FieldSet, tree: JsonObject): boolean => {
      for (const [element, subtree] of Object.entries(tree)) {
        if (subtree === null || typeof subtree !== 'object' || Array.isArray(subtree)) return false;
        if (element === '.') {
          node.member = true;
          continue;
        }
        if (!/^[fkvi]:/.test(element)) return false;
        const child = new FieldSet();
        if (Object.keys(subtree).length === 0) child.member = true;
        else if (!read(child, subtree)) return false;
        node.children.set(element, child);
      }
      return true;
    };
    return read(set, fields) ? set : undefined;
  }
}
