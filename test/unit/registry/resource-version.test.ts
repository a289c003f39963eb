import { describe, expect, test } from 'vitest';
import { decodeContinue, encodeContinue, parseResourceVersion, validateListOptions } from '../../../src/registry/resource-version.ts';
import { checkDns1035Label, checkDns1123Subdomain, checkQualifiedName } from '../../../src/apis/names.ts';

function statusOf(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    return (error as { status: { code: number; message: string } }).status;
  }
  throw new Error('expected an error');
}

describe('resourceVersion parameters', () => {
  test('decimal integers only', () => {
    expect(parseResourceVersion(undefined)).toBeUndefined();
    expect(parseResourceVersion('0')).toBe(0);
    expect(parseResourceVersion('42')).toBe(42);
    for (const bad of ['-1', '01', 'abc', '1.5']) expect(statusOf(() => parseResourceVersion(bad)).code, bad).toBe(400);
  });

  test('watch option rules', () => {
    expect(statusOf(() => validateListOptions({ resourceVersionMatch: 'NotOlderThan' }, true)).message).toBe(
      'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided',
    );
    expect(statusOf(() => validateListOptions({ sendInitialEvents: true, resourceVersionMatch: 'Exact' }, true)).code).toBe(422);
    expect(() => validateListOptions({ sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan' }, true)).not.toThrow();
    expect(statusOf(() => validateListOptions({ sendInitialEvents: true }, false)).message).toContain('sendInitialEvents is forbidden for list');
  });

  test('continue tokens round-trip and reject tampering', () => {
    const token = encodeContinue({ lastKey: '/g/r/ns/a', revision: 12 }, '/g/r/');
    expect(decodeContinue(token, '/g/r/')).toEqual({ lastKey: '/g/r/ns/a', revision: 12 });
    const evil = Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 3, start: '../x' })).toString('base64url');
    expect(statusOf(() => decodeContinue(evil, '/g/r/')).message).toBe('invalid continue token: continue key is not valid: illegal path');
  });
});

describe('name syntax', () => {
  test('DNS subdomain, DNS-1035 label, qualified names', () => {
    expect(checkDns1123Subdomain('a.b-c')).toEqual([]);
    expect(checkDns1123Subdomain('A')).toHaveLength(1);
    expect(checkDns1123Subdomain('a'.repeat(254))).toContain('must be no more than 253 characters');
    expect(checkDns1035Label('abc-1')).toEqual([]);
    expect(checkDns1035Label('1abc')).toHaveLength(1);
    expect(checkQualifiedName('example.com/My_name')).toEqual([]);
    expect(checkQualifiedName('/x')).toEqual(['prefix part must be non-empty']);
    expect(checkQualifiedName('a/b/c')).toHaveLength(1);
  });
});
