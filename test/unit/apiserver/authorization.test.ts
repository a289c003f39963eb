import { describe, expect, it } from 'vitest';
import {
  Authorizer,
  forbiddenError,
  subjectAccessReviewSpec,
  type SubjectAccessReviewSpec,
  type SubjectAccessReviewStatus,
} from '../../../src/apiserver/authorization.ts';
import { requestInfoFor } from '../../../src/apiserver/request-info.ts';
import { ApiError } from '../../../src/registry/errors.ts';

const G = '/apis/tenancy.kamaji.io/v1alpha1';
const alice = { username: 'alice', uid: 'u-1', groups: ['team-a', 'system:authenticated'], extra: { scopes: ['x'] } };

function info(method: string, pathAndQuery: string) {
  const url = new URL(pathAndQuery, 'https://x');
  return requestInfoFor(method, url.pathname, url.searchParams);
}

async function statusOf(promise: Promise<unknown>) {
  try {
    await promise;
    return 'allowed';
  } catch (error) {
    if (error instanceof ApiError) return error.status;
    throw error;
  }
}

describe('subjectAccessReviewSpec', () => {
  it('carries user, uid, groups, extra and the resource attributes incl. subresource', () => {
    expect(subjectAccessReviewSpec(alice, info('GET', `${G}/namespaces/t1/tenantcontrolplanes/prod/kubeconfig`))).toEqual({
      user: 'alice',
      uid: 'u-1',
      groups: ['team-a', 'system:authenticated'],
      extra: { scopes: ['x'] },
      resourceAttributes: {
        namespace: 't1',
        verb: 'get',
        group: 'tenancy.kamaji.io',
        version: 'v1alpha1',
        resource: 'tenantcontrolplanes',
        subresource: 'kubeconfig',
        name: 'prod',
      },
    });
  });
  it('names the object of a single-object watch and uses nonResourceAttributes for paths', () => {
    expect(
      subjectAccessReviewSpec(alice, info('GET', `${G}/datastores?watch=true&fieldSelector=metadata.name%3Ddefault`)).resourceAttributes,
    ).toEqual({ verb: 'watch', group: 'tenancy.kamaji.io', version: 'v1alpha1', resource: 'datastores', name: 'default' });
    expect(subjectAccessReviewSpec({ username: 'bob', groups: [] }, info('GET', '/metrics'))).toEqual({
      user: 'bob',
      groups: [],
      nonResourceAttributes: { path: '/metrics', verb: 'get' },
    });
  });
});

describe('forbiddenError', () => {
  it('formats the namespaced, cluster-scoped and non-resource messages as kube-apiserver does', () => {
    expect(forbiddenError('alice', info('GET', `${G}/namespaces/t1/tenantcontrolplanes/prod/kubeconfig`)).status).toEqual({
      apiVersion: 'v1',
      kind: 'Status',
      metadata: {},
      status: 'Failure',
      message:
        'tenantcontrolplanes.tenancy.kamaji.io "prod" is forbidden: User "alice" cannot get resource "tenantcontrolplanes/kubeconfig" in API group "tenancy.kamaji.io" in the namespace "t1"',
      reason: 'Forbidden',
      details: { name: 'prod', group: 'tenancy.kamaji.io', kind: 'tenantcontrolplanes' },
      code: 403,
    });
    expect(forbiddenError('alice', info('GET', `${G}/tenantcontrolplanes`), 'no RBAC policy matched').status.message).toBe(
      'tenantcontrolplanes.tenancy.kamaji.io is forbidden: User "alice" cannot list resource "tenantcontrolplanes" in API group "tenancy.kamaji.io" at the cluster scope: no RBAC policy matched',
    );
    expect(forbiddenError('bob', info('GET', '/foo')).status).toMatchObject({
      message: 'forbidden: User "bob" cannot get path "/foo"',
      details: {},
    });
  });
});

describe('Authorizer', () => {
  function reviewing(answer: (spec: SubjectAccessReviewSpec) => SubjectAccessReviewStatus) {
    const calls: SubjectAccessReviewSpec[] = [];
    let clock = 0;
    const authorizer = new Authorizer({
      reviewer: {
        review: async (spec) => {
          calls.push(spec);
          return answer(spec);
        },
      },
      now: () => clock,
    });
    return { authorizer, calls, advance: (ms: number) => (clock += ms) };
  }

  it('lets system:masters and the health and OpenAPI paths through without a review', async () => {
    const { authorizer, calls } = reviewing(() => ({ allowed: false }));
    const masters = { username: 'system:kube-aggregator', groups: ['system:masters', 'system:authenticated'] };
    expect(await statusOf(authorizer.authorize(masters, info('GET', `${G}/tenantcontrolplanes`)))).toBe('allowed');
    const anonymous = { username: 'system:anonymous', groups: ['system:unauthenticated'] };
    for (const path of ['/readyz', '/livez', '/healthz', '/readyz/ping', '/openapi/v2', '/openapi/v3/apis/tenancy.kamaji.io/v1alpha1']) {
      expect(await statusOf(authorizer.authorize(anonymous, info('GET', path)))).toBe('allowed');
    }
    expect(calls).toEqual([]);
  });

  it('answers 403 with the review reason on deny and caches both answers for 10 s', async () => {
    const { authorizer, calls, advance } = reviewing((spec) =>
      spec.resourceAttributes?.namespace === 't1' ? { allowed: true } : { allowed: false, reason: 'no RBAC policy matched' },
    );
    const inT1 = info('GET', `${G}/namespaces/t1/tenantcontrolplanes/prod`);
    const inT2 = info('GET', `${G}/namespaces/t2/tenantcontrolplanes/prod`);
    expect(await statusOf(authorizer.authorize(alice, inT1))).toBe('allowed');
    expect(await statusOf(authorizer.authorize(alice, inT2))).toMatchObject({
      code: 403,
      message:
        'tenantcontrolplanes.tenancy.kamaji.io "prod" is forbidden: User "alice" cannot get resource "tenantcontrolplanes" in API group "tenancy.kamaji.io" in the namespace "t2": no RBAC policy matched',
    });
    await authorizer.authorize(alice, inT1);
    await statusOf(authorizer.authorize(alice, inT2));
    expect(calls).toHaveLength(2);
    advance(10_001);
    await authorizer.authorize(alice, inT1);
    expect(calls).toHaveLength(3);
  });

  it('answers 500 without details when the review cannot be made, and 403 without a reviewer', async () => {
    const failing = new Authorizer({ reviewer: { review: async () => Promise.reject(new Error('dial tcp 10.0.0.1:443: refused')) } });
    const status = await statusOf(failing.authorize(alice, info('GET', `${G}/datastores`)));
    expect(status).toMatchObject({ code: 500, reason: 'InternalError' });
    expect(JSON.stringify(status)).not.toContain('10.0.0.1');
    const none = new Authorizer({});
    expect(await statusOf(none.authorize(alice, info('GET', '/metrics')))).toMatchObject({ code: 403 });
  });
});
