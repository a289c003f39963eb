// Storage calls per write request, through the whole server (HTTP, negotiation, registry), as the
// server's own storage metrics count them: a write of an object the watch cache holds, or that
// this replica just wrote, does not read storage first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { G, request, startTestServer, tenantControlPlane, viaFrontProxy, type RequestOptions, type TestServer } from './support/server.ts';

const admin = () => viaFrontProxy('admin', ['system:masters']);
const tcps = `${G}/namespaces/calls/tenantcontrolplanes`;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const call = (path: string, options: RequestOptions = {}) => request(server, path, { identity: admin(), ...options });

/** Storage calls by operation so far, from storage_request_duration_seconds_count. */
async function storageCalls(): Promise<Record<string, number>> {
  const text = (await call('/metrics')).text;
  const calls: Record<string, number> = {};
  for (const match of text.matchAll(/^storage_request_duration_seconds_count\{operation="(\w+)",result="\w+"\} (\d+)$/gm)) {
    calls[match[1]!] = (calls[match[1]!] ?? 0) + Number(match[2]);
  }
  return calls;
}

/** The storage calls `request` made. */
async function callsOf(request: () => Promise<{ status: number; text: string }>): Promise<Record<string, number>> {
  const before = await storageCalls();
  const response = await request();
  expect(response.status, response.text).toBeLessThan(300);
  const after = await storageCalls();
  const made: Record<string, number> = {};
  for (const [operation, count] of Object.entries(after)) if (count > (before[operation] ?? 0)) made[operation] = count - (before[operation] ?? 0);
  return made;
}

const apply = (name: string, labels: Record<string, string> = {}) => {
  const object = tenantControlPlane(name, 'calls') as { metadata: { labels: Record<string, string> } };
  object.metadata.labels = { ...object.metadata.labels, ...labels };
  return call(`${tcps}/${name}?fieldManager=kubectl&force=true`, {
    method: 'PATCH',
    headers: { 'Content-Type': 'application/apply-patch+yaml' },
    body: JSON.stringify(object),
  });
};

describe('storage calls per write request', () => {
  it('server-side apply: a create is one create, an apply to the object one update', async () => {
    expect(await callsOf(() => apply('a'))).toEqual({ create: 1 });
    expect(await callsOf(() => apply('a', { applied: 'again' }))).toEqual({ update: 1 });
  });

  it('update (PUT) and merge patch: one update each, no read', async () => {
    const created = await call(tcps, { method: 'POST', body: tenantControlPlane('b', 'calls') });
    expect(created.status).toBe(201);
    const object = created.json();
    object.metadata.labels.updated = 'yes';
    expect(await callsOf(() => call(`${tcps}/b`, { method: 'PUT', body: object }))).toEqual({ update: 1 });
    const patch = { method: 'PATCH', headers: { 'Content-Type': 'application/merge-patch+json' }, body: { metadata: { labels: { patched: 'yes' } } } };
    expect(await callsOf(() => call(`${tcps}/b`, patch))).toEqual({ update: 1 });
  });

  it('delete: one delete without finalizers; one update to mark an object that has some', async () => {
    expect((await call(tcps, { method: 'POST', body: tenantControlPlane('c', 'calls') })).status).toBe(201);
    expect(await callsOf(() => call(`${tcps}/c`, { method: 'DELETE' }))).toEqual({ delete: 1 });
    const held = tenantControlPlane('d', 'calls') as { metadata: Record<string, unknown> };
    held.metadata.finalizers = ['example.com/hold'];
    expect((await call(tcps, { method: 'POST', body: held })).status).toBe(201);
    expect(await callsOf(() => call(`${tcps}/d`, { method: 'DELETE' }))).toEqual({ update: 1 });
  });
});
