// YAML request bodies (application/yaml, server-side apply) are read as JSON first when they look
// like a JSON object: the same value the YAML parser gives, without running it.
import { parse as parseWithYaml } from 'yaml';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { decodeObjectBody, decodePatchBody } from '../../../src/apiserver/negotiation.ts';
import { ApiError } from '../../../src/registry/errors.ts';

const yamlCalls = vi.hoisted(() => ({ count: 0 }));
vi.mock('yaml', async (importOriginal) => {
  const yaml = await importOriginal<typeof import('yaml')>();
  return {
    ...yaml,
    parseAllDocuments: (...args: Parameters<typeof yaml.parseAllDocuments>) => {
      yamlCalls.count++;
      return yaml.parseAllDocuments(...args);
    },
  };
});
beforeEach(() => {
  yamlCalls.count = 0;
});

const APPLY = 'application/apply-patch+yaml';
const YAML = 'application/yaml';

/** A JSON body with what could tell the parsers apart: escapes, non-ASCII, numbers, nulls, nesting. */
const jsonBody = `
  {"apiVersion":"tenancy.kamaji.io/v1alpha1","kind":"TenantControlPlane",
   "metadata":{"name":"t1","namespace":"ns","labels":{"a/b":"x: y","empty":""},"annotations":{"note":"tab\\tquote\\" slash\\/ \\u00e9 \\ud83d\\ude00 é"}},
   "spec":{"replicas":3,"ratio":0.25,"big":12345678901234567890,"exp":1e3,"neg":-7,"on":true,"off":false,"none":null,
           "list":[1,"two",{"three":[]},[]],"empty":{},"yesString":"yes","octalLike":"0755","dateLike":"2024-01-01"}}
`;

function statusOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error instanceof ApiError ? error.status : error;
  }
  throw new Error('expected an error');
}

describe('YAML bodies read as JSON first', () => {
  it('an apply body in JSON gives the object the YAML parser gives, without the YAML parser, and goes on as sent', () => {
    const { type, patch } = decodePatchBody(APPLY, Buffer.from(jsonBody));
    expect(type).toBe('apply');
    expect(yamlCalls.count).toBe(0);
    expect(JSON.parse(patch)).toEqual(parseWithYaml(jsonBody));
    expect(patch).toBe(jsonBody);
  });

  it('an application/yaml object body in JSON gives the same object as the YAML parser', () => {
    expect(decodeObjectBody(YAML, Buffer.from(jsonBody))).toEqual(parseWithYaml(jsonBody));
    expect(yamlCalls.count).toBe(0);
  });

  it('YAML bodies still go through the YAML parser: block style, and flow style that is not JSON', () => {
    const block = 'kind: X\nmetadata:\n  name: a\nspec:\n  on: yes\n  mode: "0755"\n';
    expect(JSON.parse(decodePatchBody(APPLY, Buffer.from(block)).patch)).toEqual({ kind: 'X', metadata: { name: 'a' }, spec: { on: 'yes', mode: '0755' } });
    const flow = '{kind: X, spec: {list: [a, b]}}';
    expect(JSON.parse(decodePatchBody(APPLY, Buffer.from(flow)).patch)).toEqual({ kind: 'X', spec: { list: ['a', 'b'] } });
    expect(decodeObjectBody(YAML, Buffer.from(flow))).toEqual({ kind: 'X', spec: { list: ['a', 'b'] } });
    expect(yamlCalls.count).toBe(3);
  });

  it('a malformed body is refused by the YAML parser with a 400', () => {
    expect(statusOf(() => decodePatchBody(APPLY, Buffer.from('{"kind": "X", "spec": {')))).toMatchObject({
      code: 400,
      message: expect.stringContaining('could not be decoded as YAML'),
    });
    expect(statusOf(() => decodeObjectBody(YAML, Buffer.from('{"kind": ')))).toMatchObject({ code: 400 });
    expect(yamlCalls.count).toBe(2);
  });

  it('a JSON array goes to the YAML parser as before (apply takes objects only, decided later)', () => {
    expect(JSON.parse(decodePatchBody(APPLY, Buffer.from('[1, 2]')).patch)).toEqual([1, 2]);
    expect(yamlCalls.count).toBe(1);
  });
});
