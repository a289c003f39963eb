// Bearer tokens, delegated to kube-apiserver's TokenReview API. Only direct callers (a Prometheus
// scraping /metrics with a ServiceAccount token) send one: proxied requests never carry a token.
import { createHash } from 'node:crypto';
import type { UserInfo } from '../apis/meta.ts';
import type { Authenticator, AuthenticatorResult, RequestCredentials } from './authenticator.ts';
import { TtlCache } from './ttl-cache.ts';

/** The `status` of an authentication.k8s.io/v1 TokenReview. */
export interface TokenReviewStatus {
  authenticated?: boolean;
  user?: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
  error?: string;
}

export interface TokenReviewer {
  /** Rejects on transport failure; a denied token is a resolved status. */
  review(token: string): Promise<TokenReviewStatus>;
}

/** --authentication-token-webhook-cache-ttl: both answers are kept 10 s. */
export const TOKEN_REVIEW_CACHE_TTL_MS = 10_000;

export class TokenAuthenticator implements Authenticator {
  readonly #reviewer: TokenReviewer;
  readonly #cache = new TtlCache<AuthenticatorResult>();

  constructor(reviewer: TokenReviewer) {
    this.#reviewer = reviewer;
  }

  async authenticate(credentials: RequestCredentials): Promise<AuthenticatorResult> {
    const header = credentials.headers['authorization']?.[0];
    if (!header) return undefined;
    const match = /^bearer\s+(.*)$/i.exec(header.trim());
    if (!match) return undefined;
    const token = match[1]!.trim();
    if (token === '') return { error: 'invalid bearer token' };
    // The cache key is a hash: tokens are never kept in memory longer than the request.
    const key = createHash('sha256').update(token).digest('hex');
    const cached = this.#cache.get(key);
    if (cached) return cached;
    let status: TokenReviewStatus;
    try {
      status = await this.#reviewer.review(token);
    } catch {
      return { error: 'token review failed' };
    }
    const result = resultOf(status);
    this.#cache.set(key, result, TOKEN_REVIEW_CACHE_TTL_MS);
    return result;
  }
}

function resultOf(status: TokenReviewStatus): AuthenticatorResult {
  if (!status.authenticated || !status.user?.username) return { error: status.error || 'token not authenticated' };
  const user: UserInfo = { username: status.user.username, groups: status.user.groups ?? [] };
  if (status.user.uid) user.uid = status.user.uid;
  if (status.user.extra && Object.keys(status.user.extra).length > 0) user.extra = status.user.extra;
  return { user };
}
