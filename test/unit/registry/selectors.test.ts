import { describe, expect, test } from 'vitest';
import type { KubeObject } from '../../../src/apis/meta.ts';
import { parseFieldSelector, parseLabelSelector } from '../../../src/registry/selectors.ts';

const matches = (selector: string, labels: Record<string, string>) => parseLabelSelector(selector).matches(labels);

function badRequestOf(fn: () => unknown): { code: number; message: string } {
  try {
    fn();
  } catch (error) {
    return (error as { status: { code: number; message: string } }).status;
  }
  throw new Error('expected a 400');
}

describe('label selectors', () => {
  test('equality, inequality and existence', () => {
    expect(matches('', {})).toBe(true);
    expect(matches('a=1', { a: '1' })).toBe(true);
    expect(matches('a==1', { a: '1' })).toBe(true);
    expect(matches('a=1', { a: '2' })).toBe(false);
    expect(matches('a!=1', {})).toBe(true);
    expect(matches('a!=1', { a: '1' })).toBe(false);
    expect(matches('a', { a: '' })).toBe(true);
    expect(matches('!a', { a: '' })).toBe(false);
    expect(matches('!a', { b: 'x' })).toBe(true);
    expect(matches('a=', { a: '' })).toBe(true);
  });

  test('set-based and AND', () => {
    expect(matches('env in (prod, staging)', { env: 'prod' })).toBe(true);
    expect(matches('env in (prod,staging)', { env: 'dev' })).toBe(false);
    expect(matches('env notin (prod)', {})).toBe(true);
    expect(matches('env notin (prod)', { env: 'prod' })).toBe(false);
    expect(matches('env in (prod),tier=web, !legacy', { env: 'prod', tier: 'web' })).toBe(true);
    expect(matches('env in (prod),tier=web', { env: 'prod', tier: 'db' })).toBe(false);
    expect(matches('example.com/team=a', { 'example.com/team': 'a' })).toBe(true);
    expect(matches('n>3', { n: '4' })).toBe(true);
    expect(matches('n<3', { n: '4' })).toBe(false);
  });

  test('syntax errors are 400', () => {
    for (const bad of ['env in (prod', 'a=b=c', ',a', 'a,', 'in in', 'a b', 'bad key!=x', 'a=bad value!', 'n>x']) {
      expect(badRequestOf(() => parseLabelSelector(bad)).code, bad).toBe(400);
    }
    expect(badRequestOf(() => parseLabelSelector('env in (prod')).message).toMatch(/^unable to parse requirement: found '', expected: /);
    expect(badRequestOf(() => parseLabelSelector('a,')).message).toBe("found '', expected: identifier after ','");
    expect(badRequestOf(() => parseLabelSelector(',a')).message).toBe("found ',', expected: !, identifier, or 'end of string'");
  });
});

describe('field selectors', () => {
  const object = (name: string, namespace?: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'X',
    metadata: { name, ...(namespace ? { namespace } : {}) },
  });

  test('metadata.name and metadata.namespace with =, ==, !=', () => {
    expect(parseFieldSelector('metadata.name=a').matches(object('a'))).toBe(true);
    expect(parseFieldSelector('metadata.name==a').matches(object('b'))).toBe(false);
    expect(parseFieldSelector('metadata.name!=a').matches(object('b'))).toBe(true);
    expect(parseFieldSelector('metadata.namespace=ns1,metadata.name=a').matches(object('a', 'ns1'))).toBe(true);
    expect(parseFieldSelector('metadata.namespace=ns1,metadata.name=a').matches(object('a', 'ns2'))).toBe(false);
    expect(parseFieldSelector('metadata.name=a').name).toBe('a');
    expect(parseFieldSelector('').empty).toBe(true);
  });

  test('other fields: 400 field label not supported', () => {
    expect(badRequestOf(() => parseFieldSelector('spec.x=1'))).toMatchObject({ code: 400, message: 'field label not supported: spec.x' });
    expect(badRequestOf(() => parseFieldSelector('metadata.name')).code).toBe(400);
  });
});
