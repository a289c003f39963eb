// /livez, /readyz, /healthz for probes without credentials, and /metrics behind authorization.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { G, aggregator, request, startTestServer, tenantControlPlane, watch, type TestServer } from './support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('health', () => {
  it('answers ok to an anonymous probe, as text/plain', async () => {
    for (const path of ['/livez', '/readyz', '/healthz']) {
      const response = await request(server, path);
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(response.text).toBe('ok');
    }
  });

  it('lists the checks with ?verbose, skips excluded ones and runs one by its path', async () => {
    expect((await request(server, '/readyz?verbose')).text).toBe(
      '[+]ping ok\n[+]auth-config ok\n[+]registry ok\n[+]shutdown ok\nreadyz check passed\n',
    );
    expect((await request(server, '/readyz?verbose&exclude=registry&exclude=nope')).text).toBe(
      '[+]ping ok\n[+]auth-config ok\n[+]registry excluded: ok\n[+]shutdown ok\nwarn: some health checks cannot be excluded: no matches for "nope"\nreadyz check passed\n',
    );
    expect((await request(server, '/readyz/auth-config')).text).toBe('ok');
    expect((await request(server, '/livez?verbose')).text).toBe('[+]ping ok\nlivez check passed\n');
    expect((await request(server, '/readyz/nope')).status).toBe(404);
  });
});

describe('readiness', () => {
  it('is not ready until the authentication configuration is loaded', async () => {
    const fresh = await startTestServer({ withoutAuthenticationConfig: true });
    try {
      const response = await request(fresh, '/readyz');
      expect(response.status).toBe(500);
      expect(response.text).toBe(
        '[+]ping ok\n[-]auth-config failed: reason withheld\n[+]registry ok\n[+]shutdown ok\nreadyz check failed\n',
      );
      expect((await request(fresh, '/readyz/auth-config')).text).toBe('internal server error: authentication configuration not loaded yet\n');
      expect((await request(fresh, '/livez')).status).toBe(200);
    } finally {
      await fresh.close();
    }
  });

  it('fails /readyz as soon as shutdown begins, keeps serving, and closes watches with a bookmark', async () => {
    const stopping = await startTestServer();
    try {
      const stream = await watch(stopping, `${G}/tenantcontrolplanes?watch=1&allowWatchBookmarks=true`, { identity: aggregator() });
      expect(stream.status).toBe(200);
      stopping.apiServer.beginShutdown();
      const ready = await request(stopping, '/readyz');
      expect(ready.status).toBe(500);
      expect(ready.text).toContain('[-]shutdown failed: reason withheld\n');
      expect((await request(stopping, '/livez')).status).toBe(200);
      expect((await request(stopping, `${G}/tenantcontrolplanes`, { identity: aggregator() })).status).toBe(200);

      stopping.apiServer.closeWatches();
      expect(await stream.next()).toMatchObject({ type: 'BOOKMARK' });
      await stream.ended;
      expect(await stream.next()).toBeUndefined();
    } finally {
      await stopping.close();
    }
  });
});

describe('metrics', () => {
  it('refuses anonymous users with the non-resource 403', async () => {
    const response = await request(server, '/metrics');
    expect(response.status).toBe(403);
    expect(response.json()).toMatchObject({
      reason: 'Forbidden',
      message: 'forbidden: User "system:anonymous" cannot get path "/metrics": delegated authorization is not configured',
    });
  });

  it('counts requests by verb, resource and code, and watch events and storage latency', async () => {
    await request(server, `${G}/namespaces/m1/tenantcontrolplanes`, { method: 'POST', identity: aggregator(), body: tenantControlPlane('m', 'm1') });
    await request(server, `${G}/namespaces/m1/tenantcontrolplanes/missing`, { identity: aggregator() });
    const stream = await watch(server, `${G}/namespaces/m1/tenantcontrolplanes?watch=1`, { identity: aggregator() });
    expect(await stream.next()).toMatchObject({ type: 'ADDED' });
    const during = (await request(server, '/metrics', { identity: aggregator() })).text;
    expect(during).toContain(
      'apiserver_longrunning_requests{verb="WATCH",group="tenancy.kamaji.io",version="v1alpha1",resource="tenantcontrolplanes",subresource="",scope="namespace",component="apiserver"} 1',
    );
    stream.close();

    const response = await request(server, '/metrics', { identity: aggregator() });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    const text = response.text;
    expect(text).toContain(
      'apiserver_request_total{verb="POST",dry_run="",group="tenancy.kamaji.io",version="v1alpha1",resource="tenantcontrolplanes",subresource="",scope="namespace",component="apiserver",code="201"} 1',
    );
    expect(text).toContain(
      'apiserver_request_total{verb="GET",dry_run="",group="tenancy.kamaji.io",version="v1alpha1",resource="tenantcontrolplanes",subresource="",scope="resource",component="apiserver",code="404"} 1',
    );
    expect(text).toMatch(/apiserver_request_duration_seconds_bucket\{le="[0-9.]+",verb="POST"/);
    expect(text).toContain('apiserver_watch_events_total{group="tenancy.kamaji.io",version="v1alpha1",kind="TenantControlPlane"}');
    expect(text).toMatch(/storage_request_duration_seconds_count\{operation="create",result="ok"\} [1-9]/);
    expect(text).toContain('# TYPE apiserver_delegated_authz_request_total counter');
  });
});
