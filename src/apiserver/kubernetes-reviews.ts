// TokenReview and SubjectAccessReview against kube-apiserver through @kubernetes/client-node, with
// kube's webhook client settings: 10 s timeout, retries with backoff on transport errors and 5xx,
// and the delegated authn/authz metrics.
import { AuthenticationV1Api, AuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { SubjectAccessReviewSpec, SubjectAccessReviewStatus, SubjectAccessReviewer } from './authorization.ts';
import type { ApiServerMetrics } from './metrics.ts';
import type { TokenReviewStatus, TokenReviewer } from './token-authenticator.ts';

/** DefaultAuthWebhookRetryBackoff: 500 ms, ×1.5, jitter 0.2, 5 steps. */
const BACKOFF = { initialMs: 500, factor: 1.5, jitter: 0.2, steps: 5 };
const REQUEST_TIMEOUT_MS = 10_000;

function statusCodeOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'number' ? code : undefined;
}

function retriable(error: unknown): boolean {
  const code = statusCodeOf(error);
  return code === undefined || code === 429 || code >= 500;
}

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)), REQUEST_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function withRetries<T>(call: () => Promise<T>): Promise<T> {
  let delay = BACKOFF.initialMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await withTimeout(call());
    } catch (error) {
      if (attempt >= BACKOFF.steps || !retriable(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay * (1 + Math.random() * BACKOFF.jitter)));
      delay *= BACKOFF.factor;
    }
  }
}

const codeLabel = (error: unknown) => String(statusCodeOf(error) ?? 'error');

export function kubernetesTokenReviewer(kubeConfig: KubeConfig, metrics: ApiServerMetrics): TokenReviewer {
  const api = kubeConfig.makeApiClient(AuthenticationV1Api);
  return {
    async review(token) {
      const review = await metrics.observeDelegated(
        'authn',
        () =>
          withRetries(() =>
            api.createTokenReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } } }),
          ),
        codeLabel,
      );
      return (review.status ?? {}) as TokenReviewStatus;
    },
  };
}

export function kubernetesSubjectAccessReviewer(kubeConfig: KubeConfig, metrics: ApiServerMetrics): SubjectAccessReviewer {
  const api = kubeConfig.makeApiClient(AuthorizationV1Api);
  return {
    async review(spec: SubjectAccessReviewSpec): Promise<SubjectAccessReviewStatus> {
      const review = await metrics.observeDelegated(
        'authz',
        () =>
          withRetries(() =>
            api.createSubjectAccessReview({
              body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec },
            }),
          ),
        codeLabel,
      );
      const status = review.status;
      return {
        allowed: status?.allowed === true,
        ...(status?.denied ? { denied: true } : {}),
        ...(status?.reason ? { reason: status.reason } : {}),
        ...(status?.evaluationError ? { evaluationError: status.evaluationError } : {}),
      };
    },
  };
}
