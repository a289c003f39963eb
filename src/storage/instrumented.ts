// Latency observation for any driver, so drivers stay free of metrics libraries: the apiserver
// passes a callback that feeds its histogram.
import type { Storage } from './storage.ts';

/** Called once per storage call: its name (a Storage method), its duration, and whether it succeeded. */
export type ObserveStorageCall = (operation: string, seconds: number, ok: boolean) => void;

/**
 * Wraps a Storage so every call is timed. A watch is timed until it is established, not for its
 * lifetime. Expected outcomes such as KeyNotFoundError or a conflict count as not ok: the metric
 * tells what the store answered, the caller decides what is an error.
 */
export function instrumentStorage(storage: Storage, observe: ObserveStorageCall): Storage {
  async function timed<T>(operation: string, call: () => Promise<T>): Promise<T> {
    const start = performance.now();
    let ok = false;
    try {
      const result = await call();
      ok = true;
      return result;
    } finally {
      observe(operation, (performance.now() - start) / 1000, ok);
    }
  }
  return {
    get: (key) => timed('get', () => storage.get(key)),
    list: (options) => timed('list', () => storage.list(options)),
    count: (prefix) => timed('count', () => storage.count(prefix)),
    create: (key, value) => timed('create', () => storage.create(key, value)),
    update: (key, value, expectedModRevision) => timed('update', () => storage.update(key, value, expectedModRevision)),
    delete: (key, expectedModRevision) => timed('delete', () => storage.delete(key, expectedModRevision)),
    watch: (options, listener) => timed('watch', () => storage.watch(options, listener)),
    currentRevision: () => timed('currentRevision', () => storage.currentRevision()),
    compactedRevision: () => timed('compactedRevision', () => storage.compactedRevision()),
    compact: (revision) => timed('compact', () => storage.compact(revision)),
    ping: () => timed('ping', () => storage.ping()),
    close: () => storage.close(),
  };
}
