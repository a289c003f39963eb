import { describe, expect, it } from 'vitest';
import {
  allNamesSpec,
  Authorizer,
  forbiddenError,
  subjectAccessReviewSpec,
  type SubjectAccessReviewSpec,
  type SubjectAccessReviewStatus,
} from '../../../src/apiserver/authorization.ts';
import { ApiServerMetrics } from '../../../src/apiserver/metrics.ts';
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

describe('allNamesSpec', () => {
  it('asks the same question without the name, and nothing for requests without one', () => {
    const named = subjectAccessReviewSpec(alice, info('GET', `${G}/namespaces/t1/tenantcontrolplanes/prod/kubeconfig`));
    expect(allNamesSpec(named)).toStrictEqual({
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
      },
    });
    expect(named.resourceAttributes?.name).toBe('prod');
    expect(allNamesSpec(subjectAccessReviewSpec(alice, info('GET', `${G}/namespaces/t1/tenantcontrolplanes`)))).toBeUndefined();
    expect(allNamesSpec(subjectAccessReviewSpec(alice, info('GET', '/metrics')))).toBeUndefined();
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
  /** A fake kube-apiserver: answers with `answer`, at once or when the test says (`hold`). */
  function reviewing(answer: (spec: SubjectAccessReviewSpec) => SubjectAccessReviewStatus) {
    const calls: SubjectAccessReviewSpec[] = [];
    const held: PromiseWithResolvers<void>[] = [];
    let holding = false;
    let clock = 0;
    const metrics = new ApiServerMetrics();
    const authorizer = new Authorizer({
      reviewer: {
        review: async (spec) => {
          calls.push(spec);
          if (holding) {
            const gate = Promise.withResolvers<void>();
            held.push(gate);
            await gate.promise;
          }
          return answer(spec);
        },
      },
      now: () => clock,
      metrics,
    });
    return {
      authorizer,
      calls,
      advance: (ms: number) => (clock += ms),
      hold: (on = true) => (holding = on),
      /** Lets every review held so far answer (or fail); later ones are held too. */
      release: (failure?: Error) => {
        for (const gate of held.splice(0)) failure ? gate.reject(failure) : gate.resolve();
      },
      answeredBy: async () =>
        Object.fromEntries((await metrics.subjectAccessReviewAnswers.get()).values.map((v) => [v.labels.answered_by, v.value])),
    };
  }

  const tcp = (namespace: string, name: string) => info('GET', `${G}/namespaces/${namespace}/tenantcontrolplanes/${name}`);
  const namesAsked = (calls: SubjectAccessReviewSpec[]) => calls.map((spec) => spec.resourceAttributes?.name ?? '(all)');

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
    expect(await statusOf(authorizer.authorize(alice, tcp('t1', 'prod')))).toBe('allowed');
    expect(await statusOf(authorizer.authorize(alice, tcp('t2', 'prod')))).toMatchObject({
      code: 403,
      message:
        'tenantcontrolplanes.tenancy.kamaji.io "prod" is forbidden: User "alice" cannot get resource "tenantcontrolplanes" in API group "tenancy.kamaji.io" in the namespace "t2": no RBAC policy matched',
    });
    // t1: all names allowed; t2: all names denied, then the exact question denied.
    expect(namesAsked(calls)).toEqual(['(all)', '(all)', 'prod']);
    await authorizer.authorize(alice, tcp('t1', 'prod'));
    await statusOf(authorizer.authorize(alice, tcp('t2', 'prod')));
    expect(calls).toHaveLength(3);
    advance(10_001);
    await authorizer.authorize(alice, tcp('t1', 'prod'));
    expect(calls).toHaveLength(4);
  });

  it('asks once about all names when they are allowed: one review for 100 different objects', async () => {
    const { authorizer, calls, answeredBy } = reviewing((spec) => ({ allowed: spec.resourceAttributes?.name === undefined }));
    for (let i = 0; i < 100; i++) {
      expect(await statusOf(authorizer.authorize(alice, tcp('t1', `tcp-${i}`)))).toBe('allowed');
    }
    expect(calls).toHaveLength(1);
    expect(calls[0]!.resourceAttributes).toEqual({
      namespace: 't1',
      verb: 'get',
      group: 'tenancy.kamaji.io',
      version: 'v1alpha1',
      resource: 'tenantcontrolplanes',
    });
    expect(await answeredBy()).toEqual({ 'kube-apiserver': 1, cache: 99 });
  });

  it('asks the exact question when all names are not allowed: resourceNames rules work and the denial is the exact one', async () => {
    // What RBAC answers for a Role with resourceNames: [prod].
    const { authorizer, calls } = reviewing((spec) => {
      const name = spec.resourceAttributes?.name;
      return name === 'prod' ? { allowed: true } : { allowed: false, reason: `no rule for ${name ?? 'all names'}` };
    });
    expect(await statusOf(authorizer.authorize(alice, tcp('t1', 'prod')))).toBe('allowed');
    expect(await statusOf(authorizer.authorize(alice, tcp('t1', 'other')))).toMatchObject({
      code: 403,
      reason: 'Forbidden',
      details: { name: 'other', group: 'tenancy.kamaji.io', kind: 'tenantcontrolplanes' },
      message:
        'tenantcontrolplanes.tenancy.kamaji.io "other" is forbidden: User "alice" cannot get resource "tenantcontrolplanes" in API group "tenancy.kamaji.io" in the namespace "t1": no rule for other',
    });
    expect(namesAsked(calls)).toEqual(['(all)', 'prod', 'other']);
  });

  it('does not take an explicit denial of all names as the answer for one name', async () => {
    const { authorizer, calls } = reviewing((spec) =>
      spec.resourceAttributes?.name === 'prod' ? { allowed: true } : { allowed: false, denied: true, reason: 'denied by policy' },
    );
    expect(await statusOf(authorizer.authorize(alice, tcp('t1', 'prod')))).toBe('allowed');
    expect(namesAsked(calls)).toEqual(['(all)', 'prod']);
  });

  it('sends one review for identical questions asked while it is in flight', async () => {
    const { authorizer, calls, hold, release, answeredBy } = reviewing((spec) => ({ allowed: spec.resourceAttributes?.name === undefined }));
    hold();
    // 8 writers at once on different objects: one question about all names between them.
    const pending = Array.from({ length: 8 }, (_, i) => statusOf(authorizer.authorize(alice, tcp('t1', `tcp-${i}`))));
    expect(calls).toHaveLength(1);
    release();
    expect(await Promise.all(pending)).toEqual(Array(8).fill('allowed'));
    expect(await answeredBy()).toEqual({ 'kube-apiserver': 1, 'in-flight': 7 });
  });

  it('shares the exact review in flight too, for a resourceNames user', async () => {
    const { authorizer, calls, hold, release } = reviewing((spec) => ({ allowed: spec.resourceAttributes?.name === 'prod' }));
    hold();
    const pending = Array.from({ length: 8 }, () => statusOf(authorizer.authorize(alice, tcp('t1', 'prod'))));
    expect(calls).toHaveLength(1);
    release();
    // All names denied: the 8 ask the exact question, and share one review of it.
    await expect.poll(() => calls.length).toBe(2);
    release();
    expect(await Promise.all(pending)).toEqual(Array(8).fill('allowed'));
    expect(namesAsked(calls)).toEqual(['(all)', 'prod']);
  });

  it('gives every waiter the same 500 when the review fails, and does not cache the failure', async () => {
    const { authorizer, calls, hold, release } = reviewing(() => ({ allowed: true }));
    hold();
    const pending = Array.from({ length: 3 }, () => statusOf(authorizer.authorize(alice, tcp('t1', 'prod'))));
    release(new Error('dial tcp 10.0.0.1:443: connection refused'));
    hold(false);
    const statuses = await Promise.all(pending);
    expect(calls).toHaveLength(1);
    for (const status of statuses) expect(status).toMatchObject({ code: 500, reason: 'InternalError' });
    expect(new Set(statuses.map((status) => JSON.stringify(status))).size).toBe(1);
    expect(await statusOf(authorizer.authorize(alice, tcp('t1', 'prod')))).toBe('allowed');
    expect(calls).toHaveLength(2);
  });

  it('checks create for a write that creates, with kube\'s 403 for it', async () => {
    // Bob may patch every tcp in t1 but create none.
    const { authorizer, calls } = reviewing((spec) => ({ allowed: spec.resourceAttributes?.verb === 'patch' }));
    const apply = info('PATCH', `${G}/namespaces/t1/tenantcontrolplanes/new`);
    if (!apply.isResourceRequest) throw new Error('not a resource request');
    const bob = { username: 'bob', groups: ['system:authenticated'] };
    expect(await statusOf(authorizer.authorize(bob, apply))).toBe('allowed');
    expect(await statusOf(authorizer.authorizeCreateOnUpdate(bob, apply))).toEqual({
      apiVersion: 'v1',
      kind: 'Status',
      metadata: {},
      status: 'Failure',
      message: 'tenantcontrolplanes.tenancy.kamaji.io "new" is forbidden: ',
      reason: 'Forbidden',
      details: { name: 'new', group: 'tenancy.kamaji.io', kind: 'tenantcontrolplanes' },
      code: 403,
    });
    expect(calls.map((spec) => `${spec.resourceAttributes?.verb} ${spec.resourceAttributes?.name ?? '(all)'}`)).toEqual([
      'patch (all)',
      'create (all)',
      'create new',
    ]);
    const creator = reviewing(() => ({ allowed: true }));
    expect(await statusOf(creator.authorizer.authorizeCreateOnUpdate(bob, apply))).toBe('allowed');
    expect(creator.calls.map((spec) => spec.resourceAttributes)).toEqual([
      { namespace: 't1', verb: 'create', group: 'tenancy.kamaji.io', version: 'v1alpha1', resource: 'tenantcontrolplanes' },
    ]);
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
