// Key prefixes as index-friendly ranges (name >= prefix AND name < end), so no LIKE pattern and no
// escaping is ever needed. The empty name is reserved for gap fillers and never matches.

import { compareKeys } from '../keys.ts';
import type { SqlParam } from './dialect.ts';

export interface KeyCondition {
  sql: string;
  params: SqlParam[];
}

/** The smallest string greater than every string starting with `prefix`; undefined when none exists. */
export function prefixEnd(prefix: string): string | undefined {
  let end = prefix;
  while (end.length > 0) {
    const last = end.charCodeAt(end.length - 1);
    if (last < 0xffff) return end.slice(0, -1) + String.fromCharCode(last + 1);
    end = end.slice(0, -1);
  }
  return undefined;
}

/** SQL condition on `column` for keys under `prefix`, strictly after `startAfter` when given. */
export function keyCondition(column: string, prefix: string, startAfter?: string): KeyCondition {
  const parts: string[] = [];
  const params: SqlParam[] = [];
  if (startAfter !== undefined && compareKeys(startAfter, prefix) >= 0) {
    parts.push(`${column} > ?`);
    params.push(startAfter);
  } else if (prefix === '') {
    parts.push(`${column} > ?`);
    params.push('');
  } else {
    parts.push(`${column} >= ?`);
    params.push(prefix);
  }
  const end = prefixEnd(prefix);
  if (end !== undefined) {
    parts.push(`${column} < ?`);
    params.push(end);
  }
  return { sql: parts.join(' AND '), params };
}

/** Valid storage keys are non-empty, have no NUL character and fit the name column. */
export function checkKey(key: string): string | undefined {
  if (key === '') return 'key must not be empty';
  if (key.includes('\u0000')) return 'key must not contain NUL';
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) return `key must be at most ${MAX_KEY_BYTES} bytes`;
  return undefined;
}

export const MAX_KEY_BYTES = 1024;
