import { describe, expect, test } from 'vitest';
import { breakdown, describeBreakdown, parseHistogramTotals } from '../../../bench/lib/server-metrics.ts';

const page = (scale: number) => `# HELP storage_request_duration_seconds Storage request latency
# TYPE storage_request_duration_seconds histogram
storage_request_duration_seconds_bucket{le="0.001",operation="get",result="ok"} ${2 * scale}
storage_request_duration_seconds_sum{operation="get",result="ok"} ${0.004 * scale}
storage_request_duration_seconds_count{operation="get",result="ok"} ${2 * scale}
storage_request_duration_seconds_sum{operation="update",result="ok"} ${0.01 * scale}
storage_request_duration_seconds_count{operation="update",result="ok"} ${scale}
apiserver_request_duration_seconds_sum{verb="GET",resource="tenantcontrolplanes"} ${0.02 * scale}
apiserver_request_duration_seconds_sum{verb="PUT",resource="tenantcontrolplanes"} ${0.03 * scale}
apiserver_request_duration_seconds_count{verb="GET",resource="tenantcontrolplanes"} ${scale}
apiserver_request_duration_seconds_sum{verb="GET",resource=""} ${0.5 * scale}
apiserver_request_duration_seconds_count{verb="GET",resource=""} ${7 * scale}
apiserver_delegated_authz_request_duration_seconds_sum{code="201"} ${0.006 * scale}
apiserver_delegated_authz_request_duration_seconds_count{code="201"} ${scale}
`;

describe('parseHistogramTotals', () => {
  test('keeps the _sum and _count samples with their labels, drops buckets and comments', () => {
    const totals = parseHistogramTotals(page(1));
    expect(totals.get('storage_request_duration_seconds_count{operation="get",result="ok"}')).toBe(2);
    expect([...totals.keys()].some((k) => k.includes('_bucket'))).toBe(false);
  });
});

describe('breakdown', () => {
  test('the change between two pages, per resource request the replica served, summed over label sets', () => {
    const b = breakdown(parseHistogramTotals(page(1)), parseHistogramTotals(page(11)));
    expect(b.requests).toBe(10);
    expect(b.serverSeconds).toBeCloseTo(0.05);
    expect(b.storage).toEqual([
      { operation: 'get', calls: 2, seconds: expect.closeTo(0.004, 6) },
      { operation: 'update', calls: 1, seconds: expect.closeTo(0.01, 6) },
    ]);
    expect(b.authorization.calls).toBe(1);
    expect(describeBreakdown(b)).toContain('storage get 2.00× 4.00 ms, update 1.00× 10.00 ms; SubjectAccessReview 1.00× 6.00 ms');
  });
});
