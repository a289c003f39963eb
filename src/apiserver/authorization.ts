// Delegated authorization: every request is a SubjectAccessReview against kube-apiserver's
// authorizers (RBAC), with the attributes kube-apiserver itself would check, so one RBAC rule
// means the same on both servers. system:masters and the health paths skip the round-trip.
// A round trip costs milliseconds where kube-apiserver's RBAC is an in-memory lookup, so answers
// are kept 10 s (as kube's webhook authorizer keeps them), identical questions in flight share one
// review, and a request naming an object first asks about all names (see #decide).
import type { UserInfo } from '../apis/meta.ts';
import { ApiError, forbidden, internalError } from '../registry/errors.ts';
import type { ApiServerMetrics } from './metrics.ts';
import type { RequestInfo, ResourceRequestInfo } from './request-info.ts';
import { TtlCache } from './ttl-cache.ts';

export interface ResourceAttributes {
  namespace?: string;
  verb: string;
  group?: string;
  version?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

/** The `spec` of an authorization.k8s.io/v1 SubjectAccessReview. */
export interface SubjectAccessReviewSpec {
  user: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
  resourceAttributes?: ResourceAttributes;
  nonResourceAttributes?: { path: string; verb: string };
}

export interface SubjectAccessReviewStatus {
  allowed: boolean;
  denied?: boolean;
  reason?: string;
  evaluationError?: string;
}

export interface SubjectAccessReviewer {
  /** Rejects on transport failure. */
  review(spec: SubjectAccessReviewSpec): Promise<SubjectAccessReviewStatus>;
}

export const SYSTEM_MASTERS = 'system:masters';
/** kube's defaults (health) plus OpenAPI, which every authenticated user may read anyway. */
export const ALWAYS_ALLOW_PATHS = ['/healthz', '/healthz/*', '/livez', '/livez/*', '/readyz', '/readyz/*', '/openapi', '/openapi/*'];
/** --authorization-webhook-cache-(un)authorized-ttl. */
export const SAR_ALLOW_TTL_MS = 10_000;
export const SAR_DENY_TTL_MS = 10_000;
/** Attribute sets larger than this are not worth keeping (webhook.go's maxCacheableSize). */
const MAX_CACHEABLE_ATTRIBUTES = 10_000;

export function subjectAccessReviewSpec(user: UserInfo, info: RequestInfo): SubjectAccessReviewSpec {
  const spec: SubjectAccessReviewSpec = { user: user.username, groups: user.groups };
  if (user.uid) spec.uid = user.uid;
  if (user.extra && Object.keys(user.extra).length > 0) spec.extra = user.extra;
  if (!info.isResourceRequest) {
    spec.nonResourceAttributes = { path: info.path, verb: info.verb };
    return spec;
  }
  const attributes: ResourceAttributes = { verb: info.verb };
  if (info.namespace) attributes.namespace = info.namespace;
  attributes.group = info.apiGroup;
  attributes.version = info.apiVersion;
  attributes.resource = info.resource;
  if (info.subresource) attributes.subresource = info.subresource;
  if (info.name) attributes.name = info.name;
  spec.resourceAttributes = attributes;
  return spec;
}

/** responsewriters.forbiddenMessage. */
export function forbiddenMessage(username: string, info: RequestInfo): string {
  if (!info.isResourceRequest) return `User "${username}" cannot ${info.verb} path "${info.path}"`;
  const resource = info.subresource ? `${info.resource}/${info.subresource}` : info.resource;
  const where = info.namespace ? `in the namespace "${info.namespace}"` : 'at the cluster scope';
  return `User "${username}" cannot ${info.verb} resource "${resource}" in API group "${info.apiGroup}" ${where}`;
}

/** responsewriters.Forbidden + apierrors.NewForbidden. */
export function forbiddenError(username: string, info: RequestInfo, reason?: string): ApiError {
  const cause = reason ? `${forbiddenMessage(username, info)}: ${reason}` : forbiddenMessage(username, info);
  if (!info.isResourceRequest) return forbidden(`forbidden: ${cause}`, {});
  return resourceForbidden(info, cause);
}

/** apierrors.NewForbidden(qualifiedResource, name, cause). */
function resourceForbidden(info: ResourceRequestInfo, cause: string): ApiError {
  const qualified = info.apiGroup ? `${info.resource}.${info.apiGroup}` : info.resource;
  const subject = info.name ? `${qualified} "${info.name}"` : qualified;
  return forbidden(`${subject} is forbidden: ${cause}`, {
    ...(info.name ? { name: info.name } : {}),
    ...(info.apiGroup ? { group: info.apiGroup } : {}),
    kind: info.resource,
  });
}

function pathAllowed(path: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => (pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : path === pattern));
}

/** The same question about every name: in ResourceAttributes an empty name means "all". */
export function allNamesSpec(spec: SubjectAccessReviewSpec): SubjectAccessReviewSpec | undefined {
  const attributes = spec.resourceAttributes;
  if (!attributes?.name) return undefined;
  const { name: _name, ...allNames } = attributes;
  return { ...spec, resourceAttributes: allNames };
}

const isAllowed = (status: SubjectAccessReviewStatus) => status.allowed && !status.denied;

export interface AuthorizerOptions {
  /** Absent for local runs without a cluster: then only system:masters and always-allowed paths pass. */
  reviewer?: SubjectAccessReviewer;
  alwaysAllowPaths?: readonly string[];
  now?: () => number;
  /** Counts what answered each question (kamaji_subject_access_review_answers_total). */
  metrics?: ApiServerMetrics;
}

export class Authorizer {
  readonly #reviewer: SubjectAccessReviewer | undefined;
  readonly #alwaysAllowPaths: readonly string[];
  readonly #cache: TtlCache<SubjectAccessReviewStatus>;
  /** Reviews sent and not answered yet, by cache key: identical questions wait for them. */
  readonly #inFlight = new Map<string, Promise<SubjectAccessReviewStatus>>();
  readonly #metrics: ApiServerMetrics | undefined;

  constructor(options: AuthorizerOptions) {
    this.#reviewer = options.reviewer;
    this.#alwaysAllowPaths = options.alwaysAllowPaths ?? ALWAYS_ALLOW_PATHS;
    this.#cache = new TtlCache(options.now ? { now: options.now } : {});
    this.#metrics = options.metrics;
  }

  /** Resolves when allowed; throws the 403 (denied) or 500 (review failed) to answer with. */
  async authorize(user: UserInfo, info: RequestInfo): Promise<void> {
    if (user.groups.includes(SYSTEM_MASTERS)) return;
    if (!info.isResourceRequest && pathAllowed(info.path, this.#alwaysAllowPaths)) return;
    if (!this.#reviewer) throw forbiddenError(user.username, info, 'delegated authorization is not configured');
    const status = await this.#decide(this.#reviewer, subjectAccessReviewSpec(user, info));
    if (isAllowed(status)) return;
    throw forbiddenError(user.username, info, status.reason);
  }

  /**
   * A write that creates the object it names (server-side apply of a missing object) is also a
   * `create` of that name, which kube checks only then (withAuthorization in handlers/update.go
   * and patch.go); its 403 carries the authorizer's reason alone, as kube's does.
   */
  async authorizeCreateOnUpdate(user: UserInfo, info: ResourceRequestInfo): Promise<void> {
    if (user.groups.includes(SYSTEM_MASTERS)) return;
    if (!this.#reviewer) throw resourceForbidden(info, 'delegated authorization is not configured');
    const status = await this.#decide(this.#reviewer, subjectAccessReviewSpec(user, { ...info, verb: 'create' }));
    if (isAllowed(status)) return;
    throw resourceForbidden(info, status.reason ?? '');
  }

  /**
   * A request naming an object is first asked about all names: RBAC rules without resourceNames
   * (nearly all of them) allow every name, so one cached answer serves every object the user
   * touches with that verb, resource and namespace, instead of one round trip per object. Only
   * when that is not allowed is the exact question asked, so rules with resourceNames still work
   * and a denial carries the exact question's reason. An authorizer that allows "all names" yet
   * denies one would contradict what an empty name means in the API; RBAC and Node never do.
   *
   * A namespaced request is not also asked cluster-wide (no namespace): ClusterRoleBindings are
   * already found by the namespaced question, which costs one review per namespace per 10 s, while
   * a user bound only by RoleBindings (the usual tenant) would pay an extra, always-denied round
   * trip on every miss.
   */
  async #decide(reviewer: SubjectAccessReviewer, spec: SubjectAccessReviewSpec): Promise<SubjectAccessReviewStatus> {
    const allNames = allNamesSpec(spec);
    if (allNames) {
      const status = await this.#review(reviewer, allNames);
      if (isAllowed(status)) return status;
    }
    return this.#review(reviewer, spec);
  }

  /** The cached answer, the answer of the identical review in flight, or a new review's. */
  #review(reviewer: SubjectAccessReviewer, spec: SubjectAccessReviewSpec): Promise<SubjectAccessReviewStatus> {
    const key = JSON.stringify(spec);
    const cached = this.#cache.get(key);
    if (cached) {
      this.#count('cache');
      return Promise.resolve(cached);
    }
    const inFlight = this.#inFlight.get(key);
    if (inFlight) {
      this.#count('in-flight');
      return inFlight;
    }
    this.#count('kube-apiserver');
    // A failed review is not cached: every waiter gets the same 500 and the next request asks again.
    const review = reviewer
      .review(spec)
      .then(
        (status) => {
          if (attributeSize(spec) <= MAX_CACHEABLE_ATTRIBUTES) {
            this.#cache.set(key, status, status.allowed ? SAR_ALLOW_TTL_MS : SAR_DENY_TTL_MS);
          }
          return status;
        },
        () => {
          throw internalError('the request could not be authorized');
        },
      )
      .finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, review);
    return review;
  }

  #count(answeredBy: 'cache' | 'in-flight' | 'kube-apiserver'): void {
    this.#metrics?.subjectAccessReviewAnswers.inc({ answered_by: answeredBy });
  }
}

function attributeSize(spec: SubjectAccessReviewSpec): number {
  const r = spec.resourceAttributes;
  const parts = r
    ? [r.namespace, r.verb, r.group, r.version, r.resource, r.subresource, r.name]
    : [spec.nonResourceAttributes?.path, spec.nonResourceAttributes?.verb];
  return parts.reduce((size, part) => size + (part?.length ?? 0), 0);
}
