// A fresh namespace per test, deleted when the test finishes.
import { randomBytes } from 'node:crypto';
import { onTestFinished } from 'vitest';
import { kubectl } from './cluster.ts';

export type TestNamespace = { name: string; delete(): Promise<void> };

/**
 * Creates namespace `<prefix>-<random>`. Called inside a test, it is deleted when that test
 * finishes; called from a hook, the caller deletes it with `delete()`.
 */
export async function newNamespace(prefix: string): Promise<TestNamespace> {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  await kubectl(['create', 'namespace', name]);
  const namespace: TestNamespace = {
    name,
    delete: async () => {
      await kubectl(['delete', 'namespace', name, '--wait=false', '--ignore-not-found']);
    },
  };
  try {
    onTestFinished(() => namespace.delete());
  } catch {
    // Not inside a test: the caller owns the cleanup.
  }
  return namespace;
}
