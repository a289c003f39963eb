import { describe, expect, it } from 'vitest';
import { negotiateGroupListForm } from '../../../src/apiserver/discovery.ts';
import {
  deleteOptionsFrom,
  includeObjectFrom,
  listRequestFrom,
  patchOptionsFrom,
  warningHeaderValue,
  watchRequestFrom,
  writeOptionsFrom,
} from '../../../src/apiserver/query-options.ts';
import { defaultWatchTimeoutSeconds } from '../../../src/apiserver/watch-stream.ts';
import { ApiError } from '../../../src/registry/errors.ts';

const user = { username: 'alice', groups: [] };
const q = (text: string) => new URLSearchParams(text);

function statusOf(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return error.status;
    throw error;
  }
  throw new Error('expected an error');
}

describe('list and watch options', () => {
  it('decodes selectors, paging and resourceVersion; the namespace only when there is one', () => {
    expect(listRequestFrom('t1', q('labelSelector=a%3Db&fieldSelector=metadata.name%3Dx&limit=500&continue=abc&resourceVersion=7'))).toEqual({
      namespace: 't1',
      labelSelector: 'a=b',
      fieldSelector: 'metadata.name=x',
      limit: 500,
      continue: 'abc',
      resourceVersion: '7',
    });
    expect(listRequestFrom('', q(''))).toEqual({});
    expect(statusOf(() => listRequestFrom('', q('limit=-1')))).toMatchObject({ code: 400 });
  });
  it('decodes watch-list, bookmarks and timeoutSeconds', () => {
    expect(watchRequestFrom('', q('sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=300'))).toEqual({
      request: { sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: true },
      timeoutSeconds: 300,
    });
    expect(watchRequestFrom('', q('timeoutSeconds=0')).timeoutSeconds).toBeUndefined();
    expect(statusOf(() => watchRequestFrom('', q('allowWatchBookmarks=maybe')))).toMatchObject({ code: 400 });
  });
  it('picks a default watch timeout in [1800, 3600) seconds', () => {
    expect(defaultWatchTimeoutSeconds(() => 0)).toBe(1800);
    expect(defaultWatchTimeoutSeconds(() => 0.999999)).toBe(3599);
  });
});

describe('write options', () => {
  it('decodes dryRun, fieldManager, fieldValidation and the user agent', () => {
    expect(writeOptionsFrom('CreateOptions', q('dryRun=All&fieldManager=kubectl-create&fieldValidation=Strict'), user, 'kubectl/v1.33')).toEqual({
      user,
      dryRun: true,
      fieldManager: 'kubectl-create',
      fieldValidation: 'Strict',
      userAgent: 'kubectl/v1.33',
    });
  });
  it('refuses unknown dryRun and fieldValidation values with 422 on the options kind', () => {
    expect(statusOf(() => writeOptionsFrom('UpdateOptions', q('fieldValidation=Loose'), user, undefined))).toMatchObject({
      code: 422,
      message: 'UpdateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "Loose": supported values: "", "Ignore", "Warn", "Strict"',
    });
  });
  it('passes force on whenever it is given, so the registry can refuse it for non-apply patches', () => {
    expect(patchOptionsFrom(q('force=false'), user, undefined).force).toBe(false);
    expect(patchOptionsFrom(q(''), user, undefined).force).toBeUndefined();
  });
});

describe('delete options', () => {
  it('takes the body over the query', () => {
    expect(
      deleteOptionsFrom(q('propagationPolicy=Orphan&gracePeriodSeconds=5'), { propagationPolicy: 'Foreground', preconditions: { uid: 'u1', resourceVersion: '9' } }, user),
    ).toEqual({ user, propagationPolicy: 'Foreground', gracePeriodSeconds: 5, preconditions: { uid: 'u1', resourceVersion: '9' } });
    expect(deleteOptionsFrom(q('dryRun=All&orphanDependents=false'), undefined, user)).toEqual({ user, dryRun: true, orphanDependents: false });
  });
  it('refuses a body that is not an object and a bad dryRun', () => {
    expect(statusOf(() => deleteOptionsFrom(q(''), [1], user))).toMatchObject({ code: 400 });
    expect(statusOf(() => deleteOptionsFrom(q(''), { dryRun: ['Yes'] }, user))).toMatchObject({
      code: 422,
      message: 'DeleteOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: ["Yes"]: supported values: "All"',
    });
  });
});

describe('table options and warnings', () => {
  it('defaults includeObject to Metadata and refuses other values', () => {
    expect(includeObjectFrom(q(''))).toBe('Metadata');
    expect(includeObjectFrom(q('includeObject=Object'))).toBe('Object');
    expect(statusOf(() => includeObjectFrom(q('includeObject=all')))).toMatchObject({
      code: 400,
      message: 'includeObject: Unsupported value: "all": supported values: "Metadata", "None", "Object"',
    });
  });
  it('formats RFC 7234 warnings with quotes escaped and only ASCII', () => {
    expect(warningHeaderValue('unknown field "spec.foo"')).toBe('299 - "unknown field \\"spec.foo\\""');
    expect(warningHeaderValue('naïve\nline')).toBe('299 - "na?ve line"');
  });
});

describe('negotiateGroupListForm', () => {
  it('serves v2 to the aggregator, the legacy list to plain JSON, and nothing to v2beta1 only', () => {
    expect(negotiateGroupListForm('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList')).toBe('aggregated');
    expect(negotiateGroupListForm('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;q=0.9')).toBe('aggregated');
    expect(negotiateGroupListForm(undefined)).toBe('legacy');
    expect(negotiateGroupListForm('*/*')).toBe('legacy');
    expect(negotiateGroupListForm('application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList')).toBeUndefined();
  });
});
