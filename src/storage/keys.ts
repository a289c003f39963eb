// Rules every driver applies to keys, so a key that works on the memory driver works on etcd and SQL.
import { StorageError } from './errors.ts';

/**
 * Keys and list/watch prefixes are absolute paths ('/tenancy.kamaji.io/...'). The etcd driver
 * roots them under its own prefix directory; a relative key would escape that directory.
 */
export function requireAbsoluteKey(key: string, what: 'key' | 'prefix' | 'startAfter' = 'key'): void {
  if (!key.startsWith('/')) throw new StorageError(`storage ${what} ${JSON.stringify(key)} must start with "/"`, key);
}

/** Orders keys by their UTF-8 bytes, as etcd and the SQL drivers do (plain `<` uses UTF-16 units). */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
