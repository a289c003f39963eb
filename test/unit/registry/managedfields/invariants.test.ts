// Random sequences of updates and applies over the fixture schema (seeded, so every run is the
// same), checking what must hold after any of them.
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { JsonObject, JsonValue, KubeObject } from '../../../../src/apis/meta.ts';
import { ApiError } from '../../../../src/registry/errors.ts';
import { applyConfiguration, updateManagedFields } from '../../../../src/registry/managedfields/index.ts';
import { API_VERSION, object, schema } from './fixtures.ts';

/** mulberry32: a small deterministic generator. */
function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomObject(random: () => number): KubeObject {
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
  const some = <T>(values: readonly T[]): T[] => values.filter(() => random() < 0.5);
  const spec: JsonObject = {};
  if (random() < 0.6) spec.replicas = pick([1, 2, 3]);
  if (random() < 0.5) spec.image = pick(['a', 'b']);
  if (random() < 0.4) spec.args = some(['--x', '--y']);
  if (random() < 0.5) spec.tags = some(['t1', 't2', 't3']);
  if (random() < 0.5) spec.ports = some([80, 443, 53]).map((port): JsonObject => (random() < 0.5 ? { port, name: pick(['p', 'q']) } : { port }));
  if (random() < 0.3) spec.selector = { app: pick(['x', 'y']) };
  if (random() < 0.4) spec.extra = { [pick(['e1', 'e2'])]: random() < 0.5 ? pick([1, 2]) : { deep: pick([1, 2]) } };
  if (random() < 0.4) spec.network = { serviceType: pick(['LoadBalancer', 'NodePort']) };
  const status: JsonObject = {};
  if (random() < 0.4) status.conditions = some(['Ready', 'Synced']).map((type) => ({ type, status: pick(['True', 'False']) }));
  const labels = random() < 0.5 ? Object.fromEntries(some(['l1', 'l2']).map((k) => [k, pick(['v', 'w'])])) : undefined;
  return object({ spec, ...(Object.keys(status).length ? { status } : {}), ...(labels ? { labels } : {}) });
}

/** Follows one fieldsV1 path into the object; false when it leads nowhere. */
function exists(value: JsonValue | undefined, path: readonly string[]): boolean {
  if (path.length === 0) return value !== undefined;
  const [element, ...rest] = path as [string, ...string[]];
  const body = element.slice(2);
  if (element.startsWith('f:')) {
    return value !== null && typeof value === 'object' && !Array.isArray(value) && exists(value[body], rest);
  }
  if (!Array.isArray(value)) return false;
  if (element.startsWith('v:')) return value.some((item) => isDeepStrictEqual(item, JSON.parse(body)) && rest.length === 0);
  const key = JSON.parse(body) as JsonObject;
  const defaults: JsonObject = { protocol: 'TCP' };
  return value.some(
    (item) =>
      item !== null &&
      typeof item === 'object' &&
      !Array.isArray(item) &&
      Object.entries(key).every(([k, v]) => isDeepStrictEqual(item[k] ?? defaults[k], v)) &&
      exists(item, rest),
  );
}

function ownedPaths(fields: JsonObject, prefix: string[] = []): string[][] {
  const paths: string[][] = [];
  for (const [element, below] of Object.entries(fields)) {
    if (element === '.') continue;
    const path = [...prefix, element];
    const children = below as JsonObject;
    if (Object.keys(children).length === 0 || '.' in children) paths.push(path);
    paths.push(...ownedPaths(children, path));
  }
  return paths;
}

function expectOwnedFieldsExist(o: KubeObject): void {
  const view = { ...o, metadata: o.metadata as unknown as JsonObject } as unknown as JsonValue;
  for (const entry of o.metadata.managedFields ?? []) {
    for (const path of ownedPaths(entry.fieldsV1)) {
      expect(exists(view, path), `${entry.manager} owns ${path.join(' ')} which is not in ${JSON.stringify(o)}`).toBe(true);
    }
  }
}

describe('invariants over random write sequences', () => {
  it('owned fields exist; a repeated apply is a no-op; a forced apply sets every applied leaf', () => {
    const random = generator(20261121);
    const managers = ['alpha', 'beta', 'gamma'];
    for (let run = 0; run < 60; run++) {
      let live: KubeObject | undefined;
      for (let step = 0; step < 8; step++) {
        const time = `2026-11-21T05:${String(step).padStart(2, '0')}:00Z`;
        const manager = managers[Math.floor(random() * managers.length)]!;
        const config = randomObject(random);
        if (!live || random() < 0.5) {
          const force = random() < 0.5;
          let result: KubeObject;
          try {
            result = applyConfiguration({ live, applied: structuredClone(config), manager, force, apiVersion: API_VERSION, time, schema });
          } catch (error) {
            expect(error).toBeInstanceOf(ApiError);
            expect((error as ApiError).code).toBe(409);
            expect(force).toBe(false);
            continue;
          }
          const again = applyConfiguration({
            live: result,
            applied: structuredClone(config),
            manager,
            force: false,
            apiVersion: API_VERSION,
            time: '2026-11-21T06:00:00Z',
            schema,
          });
          // A configuration that owns nothing (only empty lists) leaves no entry at all; the next
          // apply then meets an object without managedFields and adds before-first-apply, as upstream.
          if (result.metadata.managedFields!.length > 0) expect(again).toEqual(result);
          if (force) {
            const ownPaths = ownedPaths(result.metadata.managedFields!.find((e) => e.manager === manager && e.operation === 'Apply')?.fieldsV1 ?? {});
            const configView = { ...config, metadata: config.metadata as unknown as JsonObject } as unknown as JsonValue;
            for (const path of ownPaths) expect(exists(configView, path)).toBe(true);
          }
          live = result;
        } else {
          const { labels: _previous, ...metadata } = live.metadata;
          const updated: KubeObject = {
            ...randomObject(random),
            metadata: { ...metadata, ...(config.metadata.labels ? { labels: config.metadata.labels } : {}) },
          };
          updated.metadata.managedFields = updateManagedFields({ live, updated, manager, apiVersion: API_VERSION, time, schema });
          live = updated;
        }
        expectOwnedFieldsExist(live);
      }
    }
  });
});
