import { describe, expect, test } from 'vitest';
import { continueToken } from '../../../bench/sections/reads.ts';

describe('continueToken', () => {
  test('finds metadata.continue in a list page', () => {
    expect(continueToken('{"kind":"TenantControlPlaneList","metadata":{"resourceVersion":"9","continue":"eyJ2IjoxfQ"},"items":[]}')).toBe('eyJ2IjoxfQ');
  });

  test('the last page has none, or an empty one', () => {
    expect(continueToken('{"metadata":{"resourceVersion":"9"},"items":[]}')).toBeUndefined();
    expect(continueToken('{"metadata":{"continue":""},"rows":[]}')).toBeUndefined();
  });
});
