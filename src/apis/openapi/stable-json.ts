// Documents with every object's keys sorted, as Go's encoding/json writes maps: the same content
// always gives the same bytes, hence the same hash and a clean diff of the committed files.
import type { JsonValue } from '../meta.ts';
import { isJsonObject } from '../schema/json.ts';

export function sortKeysDeep<T>(value: T): T {
  return sortValue(value as JsonValue) as T;
}

function sortValue(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(sortValue);
  if (!isJsonObject(value)) return value;
  const sorted: { [key: string]: JsonValue } = {};
  for (const key of Object.keys(value).sort()) sorted[key] = sortValue(value[key]!);
  return sorted;
}

/** The text the committed files hold: 2-space indented, newline-terminated. */
export function stableJsonText(document: unknown): string {
  return `${JSON.stringify(sortKeysDeep(document), null, 2)}\n`;
}
