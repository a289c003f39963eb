// Prometheus metrics under kube-apiserver's names, so existing dashboards and alerts apply:
// requests by verb/resource/code with latencies, long-running requests (watches), watch events,
// delegated authn/authz round-trips, and storage latency.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface RequestLabels {
  verb: string;
  dry_run: string;
  group: string;
  version: string;
  resource: string;
  subresource: string;
  scope: string;
  component: string;
}

const REQUEST_LABELS = ['verb', 'dry_run', 'group', 'version', 'resource', 'subresource', 'scope', 'component'] as const;
const LATENCY_BUCKETS = [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60];

export class ApiServerMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'apiserver_request_total',
    help: 'Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.',
    labelNames: [...REQUEST_LABELS, 'code'],
    registers: [this.registry],
  });
  readonly requestDuration = new Histogram({
    name: 'apiserver_request_duration_seconds',
    help: 'Response latency distribution in seconds for each verb, dry run value, group, version, resource, subresource, scope and component.',
    labelNames: REQUEST_LABELS,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly longRunning = new Gauge({
    name: 'apiserver_longrunning_requests',
    help: 'Gauge of all active long-running apiserver requests (watches) broken out by verb, group, version, resource, scope and component.',
    labelNames: ['verb', 'group', 'version', 'resource', 'subresource', 'scope', 'component'],
    registers: [this.registry],
  });
  readonly inflight = new Gauge({
    name: 'apiserver_current_inflight_requests',
    help: 'Maximal number of currently used inflight request limit of this apiserver per request kind.',
    labelNames: ['request_kind'],
    registers: [this.registry],
  });
  readonly watchEvents = new Counter({
    name: 'apiserver_watch_events_total',
    help: 'Number of events sent in watch clients',
    labelNames: ['group', 'version', 'kind'],
    registers: [this.registry],
  });
  readonly watchEventSizes = new Histogram({
    name: 'apiserver_watch_events_sizes',
    help: 'Watch event size distribution in bytes',
    labelNames: ['group', 'version', 'kind'],
    buckets: [1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072],
    registers: [this.registry],
  });
  readonly storageDuration = new Histogram({
    name: 'storage_request_duration_seconds',
    help: 'Storage request latency in seconds for each operation, as the storage driver saw it.',
    labelNames: ['operation', 'result'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.5, 2, 5, 10, 30, 60],
    registers: [this.registry],
  });
  readonly delegatedAuthnRequests = new Counter({
    name: 'apiserver_delegated_authn_request_total',
    help: 'Number of HTTP requests partitioned by status code.',
    labelNames: ['code'],
    registers: [this.registry],
  });
  readonly delegatedAuthnDuration = new Histogram({
    name: 'apiserver_delegated_authn_request_duration_seconds',
    help: 'Request latency in seconds. Broken down by status code.',
    labelNames: ['code'],
    buckets: [0.25, 0.5, 0.7, 1, 1.5, 3, 5, 10],
    registers: [this.registry],
  });
  readonly delegatedAuthzRequests = new Counter({
    name: 'apiserver_delegated_authz_request_total',
    help: 'Number of HTTP requests partitioned by status code.',
    labelNames: ['code'],
    registers: [this.registry],
  });
  readonly delegatedAuthzDuration = new Histogram({
    name: 'apiserver_delegated_authz_request_duration_seconds',
    help: 'Request latency in seconds. Broken down by status code.',
    labelNames: ['code'],
    buckets: [0.25, 0.5, 0.7, 1, 1.5, 3, 5, 10],
    registers: [this.registry],
  });

  /**
   * Not a kube-apiserver metric: how many of the Authorizer's SubjectAccessReview questions cost a
   * round trip (kube-apiserver), were answered by its 10 s cache (cache), or waited for an identical
   * review already in flight (in-flight). Shows what the authorization caches save.
   */
  readonly subjectAccessReviewAnswers = new Counter({
    name: 'kamaji_subject_access_review_answers_total',
    help: 'SubjectAccessReview questions of delegated authorization, by what answered them: kube-apiserver (a review sent), cache, or in-flight (an identical review already sent).',
    labelNames: ['answered_by'],
    registers: [this.registry],
  });

  /** For instrumentStorage: one observation per storage call. */
  readonly observeStorage = (operation: string, seconds: number, ok: boolean): void => {
    this.storageDuration.observe({ operation, result: ok ? 'ok' : 'error' }, seconds);
  };

  observeRequest(labels: RequestLabels, code: number, seconds: number): void {
    this.requests.inc({ ...labels, code: String(code) });
    this.requestDuration.observe(labels, seconds);
  }

  /** Times a delegated TokenReview/SubjectAccessReview call, by the HTTP code it ended with. */
  async observeDelegated<T>(kind: 'authn' | 'authz', call: () => Promise<T>, codeOf: (error: unknown) => string): Promise<T> {
    const counter = kind === 'authn' ? this.delegatedAuthnRequests : this.delegatedAuthzRequests;
    const histogram = kind === 'authn' ? this.delegatedAuthnDuration : this.delegatedAuthzDuration;
    const started = performance.now();
    let code = '201';
    try {
      return await call();
    } catch (error) {
      code = codeOf(error);
      throw error;
    } finally {
      counter.inc({ code });
      histogram.observe({ code }, (performance.now() - started) / 1000);
    }
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
