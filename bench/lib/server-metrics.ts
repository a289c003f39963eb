// Where a Kamaji-TS replica spends a request, from its own /metrics: the change in the sums and
// counts of its request, storage and delegated authorization histograms around a load, divided by
// the resource requests that replica served (the aggregator spreads its side's requests over the
// replicas, so the samples the bench sent straight to it are not the count).

/** `name{labels}` → value, for every `_sum` and `_count` sample of a Prometheus text page. */
export function parseHistogramTotals(text: string): Map<string, number> {
  const totals = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*(?:_sum|_count))(\{[^}]*\})?\s+(\S+)$/.exec(line.trim());
    if (match) totals.set(`${match[1]}${match[2] ?? ''}`, Number(match[3]));
  }
  return totals;
}

/** Sum over every series of `metric` whose labels match `labelFilter` (e.g. 'operation="get"'). */
function total(totals: Map<string, number>, metric: string, labelFilter: string | RegExp = ''): number {
  let sum = 0;
  for (const [key, value] of totals) {
    const matches = typeof labelFilter === 'string' ? key.includes(labelFilter) : labelFilter.test(key);
    if ((key === metric || key.startsWith(`${metric}{`)) && matches) sum += value;
  }
  return sum;
}

export interface Breakdown {
  requests: number;
  /** Mean seconds per request, as the replica measured it (no TLS handshake, no client). */
  serverSeconds: number;
  storage: { operation: string; calls: number; seconds: number }[];
  authorization: { calls: number; seconds: number };
}

const STORAGE_OPERATIONS = ['get', 'list', 'count', 'create', 'update', 'delete', 'watch', 'currentRevision'];

/** The mean per request of what changed between two /metrics pages, over the tenancy resource requests the replica served. */
export function breakdown(before: Map<string, number>, after: Map<string, number>): Breakdown {
  const delta = (metric: string, filter: string | RegExp = '') => total(after, metric, filter) - total(before, metric, filter);
  // Discovery and /metrics itself are not resource requests (their resource label is empty).
  const resourceRequests = /resource="[^"]/;
  const requests = delta('apiserver_request_duration_seconds_count', resourceRequests);
  const per = (value: number) => (requests > 0 ? value / requests : 0);
  return {
    requests,
    serverSeconds: per(delta('apiserver_request_duration_seconds_sum', resourceRequests)),
    storage: STORAGE_OPERATIONS.map((operation) => ({
      operation,
      calls: per(delta('storage_request_duration_seconds_count', `operation="${operation}"`)),
      seconds: per(delta('storage_request_duration_seconds_sum', `operation="${operation}"`)),
    })).filter((s) => s.calls > 0),
    authorization: {
      calls: per(delta('apiserver_delegated_authz_request_duration_seconds_count')),
      seconds: per(delta('apiserver_delegated_authz_request_duration_seconds_sum')),
    },
  };
}

const ms = (seconds: number) => `${(seconds * 1000).toFixed(2)} ms`;

export function describeBreakdown(b: Breakdown): string {
  const storage = b.storage.map((s) => `${s.operation} ${s.calls.toFixed(2)}× ${ms(s.seconds)}`).join(', ');
  return (
    `per sample inside the replica (one call, or every page of a list): ${ms(b.serverSeconds)} in all; storage ${storage || 'none'}; ` +
    `SubjectAccessReview ${b.authorization.calls.toFixed(2)}× ${ms(b.authorization.seconds)}`
  );
}
