import { describe, expect, it } from 'vitest';
import {
  LIST_ENDPOINT,
  OBJECT_ENDPOINT,
  PLAIN_ENDPOINT,
  WATCH_ENDPOINT,
  acceptsExactly,
  decodeObjectBody,
  decodePatchBody,
  negotiateOutput,
  parseAccept,
} from '../../../src/apiserver/negotiation.ts';
import { ApiError } from '../../../src/registry/errors.ts';

function statusOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error instanceof ApiError ? error.status : error;
  }
  throw new Error('expected an error');
}

const KUBECTL_GET =
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

describe('negotiateOutput', () => {
  it('defaults to JSON without Accept and for */*', () => {
    expect(negotiateOutput(undefined, OBJECT_ENDPOINT)).toEqual({ format: 'json' });
    expect(negotiateOutput('', OBJECT_ENDPOINT)).toEqual({ format: 'json' });
    expect(negotiateOutput('*/*', OBJECT_ENDPOINT)).toEqual({ format: 'json' });
    expect(negotiateOutput('application/*', OBJECT_ENDPOINT)).toEqual({ format: 'json' });
  });

  it('serves YAML where the endpoint can', () => {
    expect(negotiateOutput('application/yaml', OBJECT_ENDPOINT)).toEqual({ format: 'yaml' });
    expect(negotiateOutput('application/yaml, application/json;q=0.5', WATCH_ENDPOINT)).toEqual({ format: 'json' });
  });

  it('honours q-values over clause order', () => {
    expect(negotiateOutput('application/json;q=0.9,application/cbor;q=1', OBJECT_ENDPOINT)).toEqual({ format: 'json' });
    expect(negotiateOutput('application/json;q=0.5,application/yaml', OBJECT_ENDPOINT)).toEqual({ format: 'yaml' });
    expect(negotiateOutput('application/yaml;q=0,application/json;q=0.1', OBJECT_ENDPOINT)).toEqual({ format: 'json' });
  });

  it('picks the Table that kubectl get asks for', () => {
    expect(negotiateOutput(KUBECTL_GET, LIST_ENDPOINT)).toEqual({ format: 'json', transform: 'Table', transformVersion: 'v1' });
  });

  it('serves PartialObjectMetadataList for lists and PartialObjectMetadata for objects and watches only', () => {
    const metadataClient =
      'application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';
    expect(negotiateOutput(metadataClient, LIST_ENDPOINT)).toMatchObject({ transform: 'PartialObjectMetadataList' });
    expect(negotiateOutput('application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1', WATCH_ENDPOINT)).toMatchObject({
      transform: 'PartialObjectMetadata',
    });
    expect(statusOf(() => negotiateOutput('application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1', LIST_ENDPOINT))).toMatchObject({
      code: 406,
      reason: 'NotAcceptable',
    });
  });

  it('rejects conversions to other groups and unknown parameters, falling through to later clauses', () => {
    expect(negotiateOutput('application/json;as=Table;g=example.com;v=v1,application/json', LIST_ENDPOINT)).toEqual({ format: 'json' });
    expect(statusOf(() => negotiateOutput('application/json;as=Table;g=meta.k8s.io;v=v2', LIST_ENDPOINT))).toMatchObject({ code: 406 });
    expect(statusOf(() => negotiateOutput('application/json;foo=bar', PLAIN_ENDPOINT))).toMatchObject({ code: 406 });
    expect(negotiateOutput('application/json;stream=watch', WATCH_ENDPOINT)).toEqual({ format: 'json' });
  });

  it('answers 406 with the accepted media types when nothing matches', () => {
    expect(statusOf(() => negotiateOutput('application/vnd.kubernetes.protobuf', OBJECT_ENDPOINT))).toEqual({
      apiVersion: 'v1',
      kind: 'Status',
      metadata: {},
      status: 'Failure',
      message: 'only the following media types are accepted: application/json, application/yaml',
      reason: 'NotAcceptable',
      code: 406,
    });
    expect(statusOf(() => negotiateOutput('text/html', WATCH_ENDPOINT))).toMatchObject({
      message: 'only the following media types are accepted: application/json',
    });
  });
});

describe('parseAccept and acceptsExactly', () => {
  it('parses parameters and ignores malformed clauses', () => {
    expect(parseAccept('text/plain;q=0.2, nonsense, application/json;as=Table')).toEqual([
      { type: 'application', subtype: 'json', params: { as: 'Table' }, q: 1 },
      { type: 'text', subtype: 'plain', params: {}, q: 0.2 },
    ]);
  });
  it('matches aggregated discovery whatever the parameter order', () => {
    const accept = 'application/json;as=APIGroupDiscoveryList;v=v2;g=apidiscovery.k8s.io';
    expect(acceptsExactly(accept, 'application/json', { g: 'apidiscovery.k8s.io', v: 'v2', as: 'APIGroupDiscoveryList' })).toBe(true);
    expect(acceptsExactly('application/json', 'application/json', { as: 'APIGroupDiscoveryList' })).toBe(false);
  });
});

describe('request bodies', () => {
  it('reads JSON by default and YAML when declared', () => {
    expect(decodeObjectBody(undefined, Buffer.from('{"a":1}'))).toEqual({ a: 1 });
    expect(decodeObjectBody('application/yaml', Buffer.from('a: 1\nb: [x]\n'))).toEqual({ a: 1, b: ['x'] });
  });
  it('answers 400 for a malformed body and 415 for other media types', () => {
    expect(statusOf(() => decodeObjectBody('application/json', Buffer.from('{')))).toMatchObject({ code: 400, reason: 'BadRequest' });
    expect(statusOf(() => decodeObjectBody('text/plain', Buffer.from('x')))).toMatchObject({
      code: 415,
      reason: 'UnsupportedMediaType',
      message: 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml',
    });
  });
  it('selects the patch type from Content-Type and refuses strategic merge patch', () => {
    expect(decodePatchBody('application/merge-patch+json', Buffer.from('{"spec":{}}'))).toEqual({ type: 'merge', patch: '{"spec":{}}' });
    expect(decodePatchBody('application/json-patch+json', Buffer.from('[]'))).toEqual({ type: 'json', patch: '[]' });
    expect(decodePatchBody('application/apply-patch+yaml', Buffer.from('kind: X\nspec:\n  a: 1\n'))).toEqual({
      type: 'apply',
      patch: '{"kind":"X","spec":{"a":1}}',
    });
    expect(statusOf(() => decodePatchBody('application/strategic-merge-patch+json', Buffer.from('{}')))).toMatchObject({
      code: 415,
      message:
        'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    });
    expect(statusOf(() => decodePatchBody('application/json-patch+json', Buffer.from('{}')))).toMatchObject({ code: 400 });
    const ops = JSON.stringify(Array.from({ length: 10_001 }, () => ({ op: 'test', path: '/a', value: 1 })));
    expect(statusOf(() => decodePatchBody('application/json-patch+json', Buffer.from(ops)))).toMatchObject({ code: 413 });
  });
});
