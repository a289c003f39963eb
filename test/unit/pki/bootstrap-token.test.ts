import { describe, expect, test } from 'vitest';
import { randomBootstrapToken } from '../../../src/pki/index.ts';

describe('randomBootstrapToken', () => {
  test("has kubeadm's format, token = id.secret", () => {
    const { id, secret, token } = randomBootstrapToken();
    expect(token).toMatch(/^[a-z0-9]{6}\.[a-z0-9]{16}$/);
    expect(token).toBe(`${id}.${secret}`);
  });

  test('is different every time and uses the whole alphabet', () => {
    const tokens = Array.from({ length: 200 }, () => randomBootstrapToken().token);
    expect(new Set(tokens).size).toBe(tokens.length);
    // 4400 characters drawn from 36: every one appears (the chance one is missing is ~1e-52).
    expect(new Set(tokens.join('').replaceAll('.', '')).size).toBe(36);
  });
});
