// Delegated authorization: every request is a SubjectAccessReview against kube-apiserver's
// authorizers (RBAC), with the exact attributes kube-apiserver itself would check, so one RBAC
// rule means the same on both servers. system:masters and the health paths skip the round-trip.
import type { UserInfo } from '../apis/meta.ts';
import { ApiError, forbidden, internalError } from '../registry/errors.ts';
import type { RequestInfo } from './request-info.ts';
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

export interface AuthorizerOptions {
  /** Absent for local runs without a cluster: then only system:masters and always-allowed paths pass. */
  reviewer?: SubjectAccessReviewer;
  alwaysAllowPaths?: readonly string[];
  now?: () => number;
}

export class Authorizer {
  readonly #reviewer: SubjectAccessReviewer | undefined;
  readonly #alwaysAllowPaths: readonly string[];
  readonly #cache: TtlCache<SubjectAccessReviewStatus>;

  constructor(options: AuthorizerOptions) {
    this.#reviewer = options.reviewer;
    this.#alwaysAllowPaths = options.alwaysAllowPaths ?? ALWAYS_ALLOW_PATHS;
    this.#cache = new TtlCache(options.now ? { now: options.now } : {});
  }

  /** Resolves when allowed; throws the 403 (denied) or 500 (review failed) to answer with. */
  async authorize(user: UserInfo, info: RequestInfo): Promise<void> {
    if (user.groups.includes(SYSTEM_MASTERS)) return;
    if (!info.isResourceRequest && pathAllowed(info.path, this.#alwaysAllowPaths)) return;
    if (!this.#reviewer) throw forbiddenError(user.username, info, 'delegated authorization is not configured');
    const status = await this.#review(subjectAccessReviewSpec(user, info));
    if (status.allowed && !status.denied) return;
    throw forbiddenError(user.username, info, status.reason);
  }

  async #review(spec: SubjectAccessReviewSpec): Promise<SubjectAccessReviewStatus> {
    const key = JSON.stringify(spec);
    const cached = this.#cache.get(key);
    if (cached) return cached;
    let status: SubjectAccessReviewStatus;
    try {
      status = await this.#reviewer!.review(spec);
    } catch {
      throw internalError('the request could not be authorized');
    }
    if (attributeSize(spec) <= MAX_CACHEABLE_ATTRIBUTES) {
      this.#cache.set(key, status, status.allowed ? SAR_ALLOW_TTL_MS : SAR_DENY_TTL_MS);
    }
    return status;
  }
}

function attributeSize(spec: SubjectAccessReviewSpec): number {
  const r = spec.resourceAttributes;
  const parts = r
    ? [r.namespace, r.verb, r.group, r.version, r.resource, r.subresource, r.name]
    : [spec.nonResourceAttributes?.path, spec.nonResourceAttributes?.verb];
  return parts.reduce((size, part) => size + (part?.length ?? 0), 0);
}
