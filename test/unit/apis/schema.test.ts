// The generic structural-schema machinery: validation, defaulting, unknown fields and pruning.
import { describe, expect, test } from 'vitest';
import type { JSONSchemaProps } from '../../../src/apis/declaration.ts';
import { applySchemaDefaults, findUnknownFields, pruneUnknownFields, validateAgainstSchema } from '../../../src/apis/index.ts';
import { fieldErrorMessage } from '../../../src/registry/errors.ts';
import { array, boolean, int32, intOrString, map, object, preserved, string } from '../../../src/apis/schema/builders.ts';
import { resourceSchema } from '../../../src/apis/schema/common.ts';
import { summary } from './admission.ts';

const schema: JSONSchemaProps = resourceSchema(
  'A test kind.',
  object(
    'spec',
    {
      mode: string('mode', { enum: ['A', 'B'], default: 'A' }),
      name: string('name', { pattern: '^[a-z]+$', minLength: 2, maxLength: 5 }),
      count: int32('count', { minimum: 1, maximum: 3, default: 1 }),
      flag: boolean('flag'),
      port: intOrString('port'),
      data: string('data', { format: 'byte' }),
      when: string('when', { format: 'date-time' }),
      tags: array('tags', string(''), { maxItems: 2, minItems: 1, 'x-kubernetes-list-type': 'set' }),
      entries: array('entries', object('entry', { type: string('type'), value: string('value') }, { required: ['type'] }), {
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['type'],
      }),
      labels: map('labels', string('')),
      nested: object('nested', { inner: string('inner', { default: 'x' }), deep: object('deep', { leaf: int32('leaf', { default: 7 }) }, { default: {} }) }),
      free: preserved('free'),
    },
    { required: ['name'] },
  ),
  object('status', { ready: boolean('ready') }),
);

const valid = () => ({ apiVersion: 'x/v1', kind: 'T', metadata: { name: 'n' }, spec: { name: 'abc' } });

describe('validateAgainstSchema', () => {
  test('a valid object has no errors', () => {
    expect(validateAgainstSchema(schema, valid())).toEqual([]);
  });

  test('type mismatches are FieldValueTypeInvalid naming the field', () => {
    const errors = validateAgainstSchema(schema, { ...valid(), spec: { name: 'abc', count: 'two', flag: 'yes', tags: 'a', nested: [], port: true, labels: { a: 1 } } });
    expect(summary(errors)).toEqual([
      'spec.count: FieldValueTypeInvalid',
      'spec.flag: FieldValueTypeInvalid',
      'spec.tags: FieldValueTypeInvalid',
      'spec.nested: FieldValueTypeInvalid',
      'spec.port: FieldValueTypeInvalid',
      'spec.labels.a: FieldValueTypeInvalid',
    ]);
    expect(errors[0]!.detail).toBe('must be of type integer');
    expect(errors[4]!.detail).toBe('must be of type integer or string');
  });

  test('a fractional number is not an integer', () => {
    expect(summary(validateAgainstSchema(schema, { ...valid(), spec: { name: 'abc', count: 1.5 } }))).toEqual(['spec.count: FieldValueTypeInvalid']);
  });

  test('enum violations are FieldValueNotSupported with the supported values', () => {
    const [error, ...rest] = validateAgainstSchema(schema, { ...valid(), spec: { name: 'abc', mode: 'C' } });
    expect(rest).toEqual([]);
    expect(error).toMatchObject({ type: 'FieldValueNotSupported', field: 'spec.mode', value: 'C', supportedValues: ['A', 'B'] });
  });

  test('enums of numbers and of objects compare by value, objects whatever their key order', () => {
    const numbers: JSONSchemaProps = { type: 'integer', enum: [1, 2] };
    expect(validateAgainstSchema(numbers, 2)).toEqual([]);
    expect(validateAgainstSchema(numbers, 3)).toMatchObject([{ type: 'FieldValueNotSupported', supportedValues: ['1', '2'] }]);
    const objects: JSONSchemaProps = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, enum: [{ a: 1, b: [2] }, 'x'] };
    expect(validateAgainstSchema(objects, { b: [2], a: 1 })).toEqual([]);
    expect(validateAgainstSchema(objects, { a: 1, b: [3] })).toMatchObject([{ type: 'FieldValueNotSupported' }]);
  });

  test('missing required fields are FieldValueRequired', () => {
    const missing = validateAgainstSchema(schema, { ...valid(), spec: {} });
    expect(missing).toEqual([{ type: 'FieldValueRequired', field: 'spec.name', detail: '' }]);
    expect(fieldErrorMessage(missing[0]!)).toBe('spec.name: Required value');
    expect(summary(validateAgainstSchema(schema, { apiVersion: 'x/v1', kind: 'T', metadata: {} }))).toEqual(['spec: FieldValueRequired']);
    expect(summary(validateAgainstSchema(schema, { ...valid(), spec: { name: 'abc', entries: [{ value: 'v' }] } }))).toEqual(['spec.entries[0].type: FieldValueRequired']);
  });

  test('pattern and length limits', () => {
    expect(summary(validateAgainstSchema(schema, { ...valid(), spec: { name: 'ABC' } }))).toEqual(['spec.name: FieldValueInvalid']);
    expect(summary(validateAgainstSchema(schema, { ...valid(), spec: { name: 'a' } }))).toEqual(['spec.name: FieldValueInvalid']);
    expect(summary(validateAgainstSchema(schema, { ...valid(), spec: { name: 'abcdef' } }))).toEqual(['spec.name: FieldValueTooLong']);
  });

  test('numeric bounds', () => {
    const errors = validateAgainstSchema(schema, { ...valid(), spec: { name: 'abc', count: 0 } });
    expect(errors).toEqual([{ type: 'FieldValueInvalid', field: 'spec.count', value: 0, detail: 'should be greater than or equal to 1' }]);
    expect(validateAgainstSchema(schema, { ...valid(), spec: { name: 'abc', count: 4 } })[0]!.detail).toBe('should be less than or equal to 3');
  });

  test('item counts, set and map uniqueness', () => {
    expect(summary(validateAgainstSchema(schema, { ...valid(), spec: { name: 'abc', tags: ['a', 'b', 'c'] } }))).toEqual(['spec.tags: FieldValueTooMany']);
    expect(summary(validateAgainstSchema(schema, { ...valid(), spec: { name: 'abc', tags: [] } }))).toEqual(['spec.tags: FieldValueInvalid']);
    expect(summary(validateAgainstSchema(schema, { ...valid(), spec: { name: 'abc', tags: ['a', 'a'] } }))).toEqual(['spec.tags[1]: FieldValueDuplicate']);
    const entries = [{ type: 'x', value: '1' }, { type: 'x', value: '2' }];
    expect(summary(validateAgainstSchema(schema, { ...valid(), spec: { name: 'abc', entries } }))).toEqual(['spec.entries[1]: FieldValueDuplicate']);
  });

  test('int-or-string accepts both', () => {
    expect(validateAgainstSchema(schema, { ...valid(), spec: { name: 'abc', port: 8080 } })).toEqual([]);
    expect(validateAgainstSchema(schema, { ...valid(), spec: { name: 'abc', port: 'https' } })).toEqual([]);
  });

  test('formats: byte and date-time', () => {
    expect(validateAgainstSchema(schema, { ...valid(), spec: { name: 'abc', data: 'aGVsbG8=', when: '2026-01-02T03:04:05Z' } })).toEqual([]);
    expect(summary(validateAgainstSchema(schema, { ...valid(), spec: { name: 'abc', data: 'not base64!', when: 'yesterday' } }))).toEqual([
      'spec.data: FieldValueTypeInvalid',
      'spec.when: FieldValueTypeInvalid',
    ]);
  });

  test('null in a non-nullable field is a type error', () => {
    expect(summary(validateAgainstSchema(schema, { ...valid(), spec: { name: null } }))).toEqual(['spec.name: FieldValueTypeInvalid']);
  });

  test('preserved and unknown fields are not validated here, and the path prefix is prepended', () => {
    expect(validateAgainstSchema(schema, { ...valid(), spec: { name: 'abc', free: { any: [1, { x: null }] }, bogus: 1 } })).toEqual([]);
    const spec = schema.properties!['spec']!;
    expect(summary(validateAgainstSchema(spec, { name: 1 }, 'spec'))).toEqual(['spec.name: FieldValueTypeInvalid']);
  });
});

describe('applySchemaDefaults', () => {
  test('fills missing fields, recurses into defaulted objects and leaves set values alone', () => {
    const object = applySchemaDefaults(schema, { ...valid(), spec: { name: 'abc', count: 3, nested: {} } });
    expect(object.spec).toEqual({ name: 'abc', count: 3, mode: 'A', nested: { inner: 'x', deep: { leaf: 7 } } });
  });

  test('does not create parents that have no default', () => {
    const object = applySchemaDefaults(schema, { ...valid(), spec: { name: 'abc' } });
    expect(object.spec).toEqual({ name: 'abc', mode: 'A', count: 1 });
  });

  test('a null in a non-nullable field becomes its default, or is dropped', () => {
    const object = applySchemaDefaults(schema, { ...valid(), spec: { name: 'abc', mode: null, flag: null } });
    expect(object.spec).toEqual({ name: 'abc', mode: 'A', count: 1 });
  });

  test('defaults are copies, never shared', () => {
    const a = applySchemaDefaults(schema, { ...valid(), spec: { name: 'abc', nested: {} } });
    const b = applySchemaDefaults(schema, { ...valid(), spec: { name: 'abc', nested: {} } });
    (a.spec.nested as { deep: { leaf: number } }).deep.leaf = 1;
    expect((b.spec.nested as { deep: { leaf: number } }).deep.leaf).toBe(7);
    expect((schema.properties!['spec']!.properties!['nested']!.properties!['deep']!.default)).toEqual({});
  });
});

describe('unknown fields', () => {
  const input = () => ({
    apiVersion: 'x/v1',
    kind: 'T',
    metadata: { name: 'n', anything: 'registry checks metadata' },
    extra: 1,
    spec: {
      name: 'abc',
      bogus: true,
      entries: [{ type: 'a', color: 'red' }],
      labels: { free: 'key' },
      free: { whatever: { deep: 1 } },
      nested: { inner: 'i', typo: 2 },
    },
    status: { ready: true, phase: 'x' },
  });

  test('findUnknownFields names each undeclared field by its path', () => {
    expect(findUnknownFields(schema, input())).toEqual(['extra', 'spec.bogus', 'spec.entries[0].color', 'spec.nested.typo', 'status.phase']);
    expect(findUnknownFields(schema, valid())).toEqual([]);
  });

  test('pruneUnknownFields removes exactly those', () => {
    const pruned = pruneUnknownFields(schema, input());
    expect(pruned).toEqual({
      apiVersion: 'x/v1',
      kind: 'T',
      metadata: { name: 'n', anything: 'registry checks metadata' },
      spec: { name: 'abc', entries: [{ type: 'a' }], labels: { free: 'key' }, free: { whatever: { deep: 1 } }, nested: { inner: 'i' } },
      status: { ready: true },
    });
    expect(findUnknownFields(schema, pruned)).toEqual([]);
  });
});
