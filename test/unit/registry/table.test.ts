import { describe, expect, test } from 'vitest';
import type { KubeObject } from '../../../src/apis/meta.ts';
import { evaluate, humanDuration, parseJsonPath, toPartialObjectMetadataList, toTable } from '../../../src/registry/table.ts';
import { widgets } from './fixtures.ts';

const now = new Date('2026-01-10T00:00:00Z');
const object: KubeObject = {
  apiVersion: 'example.kamaji.io/v1',
  kind: 'Widget',
  metadata: { name: 'a', namespace: 'ns1', labels: { app: 'x' }, creationTimestamp: '2026-01-09T21:00:00Z', resourceVersion: '7' },
  spec: { size: 3, color: 'red' },
};

describe('toTable', () => {
  test('NAME first, then printer columns with types, format and priority', () => {
    const table = toTable(widgets, [object], { now, listMeta: { resourceVersion: '9' } });
    expect(table.kind).toBe('Table');
    expect(table.apiVersion).toBe('meta.k8s.io/v1');
    expect(table.metadata).toEqual({ resourceVersion: '9' });
    expect(table.columnDefinitions.map((c) => [c.name, c.type, c.format, c.priority])).toEqual([
      ['Name', 'string', 'name', 0],
      ['Size', 'integer', '', 0],
      ['Phase', 'string', '', 0],
      ['Color', 'string', '', 1],
      ['Age', 'date', '', 0],
    ]);
    expect(table.rows[0]!.cells).toEqual(['a', 3, null, 'red', '3h']);
    expect(table.rows[0]!.object).toEqual({ apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadata', metadata: object.metadata });
  });

  test('includeObject None/Object and noHeaders', () => {
    expect(toTable(widgets, [object], { includeObject: 'None', now }).rows[0]).toEqual({ cells: ['a', 3, null, 'red', '3h'] });
    expect(toTable(widgets, [object], { includeObject: 'Object', now }).rows[0]!.object).toBe(object);
    expect(toTable(widgets, [object], { noHeaders: true, now }).columnDefinitions).toEqual([]);
    expect(toTable([], [object]).columnDefinitions.map((c) => c.name)).toEqual(['Name']);
  });

  test('PartialObjectMetadataList', () => {
    expect(toPartialObjectMetadataList({ apiVersion: 'x/v1', kind: 'WidgetList', metadata: { resourceVersion: '3' }, items: [object] })).toEqual({
      apiVersion: 'meta.k8s.io/v1',
      kind: 'PartialObjectMetadataList',
      metadata: { resourceVersion: '3' },
      items: [{ apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadata', metadata: object.metadata }],
    });
  });
});

describe('human durations (apimachinery duration.HumanDuration)', () => {
  test.each([
    [-5_000, '<invalid>'],
    [-500, '0s'],
    [45_000, '45s'],
    [119_000, '119s'],
    [5 * 60_000 + 30_000, '5m30s'],
    [5 * 60_000, '5m'],
    [90 * 60_000, '90m'],
    [3 * 3600_000 + 20 * 60_000, '3h20m'],
    [20 * 3600_000, '20h'],
    [2 * 86400_000 + 5 * 3600_000, '2d5h'],
    [30 * 86400_000, '30d'],
    [(3 * 365 + 20) * 86400_000, '3y20d'],
    [9 * 365 * 86400_000, '9y'],
  ])('%i ms ⇒ %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});

describe('JSONPath subset', () => {
  const doc = { status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'Other', status: 'False' }] }, a: { 'x.y': 1, l: [1, 2] } };
  test.each([
    ['.status.conditions[?(@.type=="Ready")].status', ['True']],
    ['{.status.conditions[0].type}', ['Ready']],
    ['.status.conditions[*].type', ['Ready', 'Other']],
    [".a['x.y']", [1]],
    ['.a.l[-1]', [2]],
    ['.missing.x', []],
  ])('%s', (path, values) => {
    expect(evaluate(parseJsonPath(path), doc)).toEqual(values);
  });
});
