// Watch over HTTP: event frames, bookmarks, watch-list, timeouts, Table and metadata watches, 410.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { G, request, startTestServer, tenantControlPlane, viaFrontProxy, watch, type RequestOptions, type TestServer } from './support/server.ts';

const admin = () => viaFrontProxy('admin', ['system:masters']);
const tcps = (ns: string) => `${G}/namespaces/${ns}/tenantcontrolplanes`;

let server: TestServer;
beforeAll(async () => {
  // A short watch-cache history, so that an old resourceVersion really is too old.
  server = await startTestServer({ watchCache: { historyLimit: 5 } });
});
afterAll(() => server.close());

const call = (path: string, options: RequestOptions = {}) => request(server, path, { identity: admin(), ...options });
const open = (path: string, headers: Record<string, string> = {}) => watch(server, path, { identity: admin(), headers });
const create = async (ns: string, name: string) => {
  const response = await call(tcps(ns), { method: 'POST', body: tenantControlPlane(name, ns) });
  expect(response.status).toBe(201);
  return response.json();
};

describe('watch', () => {
  it('streams ADDED, MODIFIED and DELETED after the listed resourceVersion, as chunked JSON', async () => {
    await create('w1', 'before');
    const listed = (await call(tcps('w1'))).json();
    const stream = await open(`${tcps('w1')}?watch=true&resourceVersion=${listed.metadata.resourceVersion}`);
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toBe('application/json');
    expect(stream.headers['transfer-encoding']).toBe('chunked');
    await create('w1', 'x');
    expect(await stream.next()).toMatchObject({ type: 'ADDED', object: { kind: 'TenantControlPlane', metadata: { name: 'x' } } });
    await call(`${tcps('w1')}/x`, { method: 'PATCH', headers: { 'Content-Type': 'application/merge-patch+json' }, body: { metadata: { labels: { m: '1' } } } });
    expect(await stream.next()).toMatchObject({ type: 'MODIFIED', object: { metadata: { labels: { m: '1' } } } });
    await call(`${tcps('w1')}/x`, { method: 'DELETE' });
    expect(await stream.next()).toMatchObject({ type: 'DELETED', object: { metadata: { name: 'x' } } });
    stream.close();
  });

  it('sends ADDED for existing objects when no resourceVersion is given, filtered by field selector', async () => {
    await create('w2', 'a');
    await create('w2', 'b');
    const stream = await open(`${tcps('w2')}?watch=1&fieldSelector=${encodeURIComponent('metadata.name=b')}`);
    expect(await stream.next()).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'b' } } });
    await call(`${tcps('w2')}/a`, { method: 'DELETE' });
    await call(`${tcps('w2')}/b`, { method: 'DELETE' });
    expect(await stream.next()).toMatchObject({ type: 'DELETED', object: { metadata: { name: 'b' } } });
    stream.close();
  });

  it('serves watch-list: the snapshot, then a bookmark annotated initial-events-end', async () => {
    await create('w3', 'a');
    await create('w3', 'b');
    const stream = await open(`${tcps('w3')}?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`);
    expect(await stream.next()).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'a' } } });
    expect(await stream.next()).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'b' } } });
    const bookmark = await stream.next();
    expect(bookmark).toMatchObject({
      type: 'BOOKMARK',
      object: { kind: 'TenantControlPlane', metadata: { annotations: { 'k8s.io/initial-events-end': 'true' } } },
    });
    expect(Number(bookmark!.object.metadata.resourceVersion)).toBeGreaterThan(0);
    stream.close();
    const invalid = await call(`${tcps('w3')}?watch=1&sendInitialEvents=true`);
    expect(invalid.status).toBe(422);
    expect(invalid.json().message).toContain('sendInitialEvents requires setting resourceVersionMatch to NotOlderThan');
  });

  it('ends at timeoutSeconds, with a last bookmark when bookmarks are allowed', async () => {
    const withBookmarks = await open(`${tcps('w4')}?watch=1&timeoutSeconds=1&allowWatchBookmarks=true`);
    expect(await withBookmarks.next()).toMatchObject({ type: 'BOOKMARK' });
    expect(await withBookmarks.next()).toBeUndefined();
    const without = await open(`${tcps('w4')}?watch=1&timeoutSeconds=1`);
    expect(await without.next()).toBeUndefined();
  });

  it('encodes Table events with column definitions only in the first, and PartialObjectMetadata events', async () => {
    await create('w5', 'a');
    await create('w5', 'b');
    const table = await open(`${tcps('w5')}?watch=1`, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
    const first = await table.next();
    expect(first).toMatchObject({ type: 'ADDED', object: { kind: 'Table' } });
    expect(first!.object.rows.map((row: { cells: unknown[] }) => row.cells[0])).toEqual(['a']);
    expect(first!.object.columnDefinitions.length).toBeGreaterThan(0);
    const second = await table.next();
    expect(second).toMatchObject({ type: 'ADDED', object: { kind: 'Table' } });
    expect(second!.object.rows.map((row: { cells: unknown[] }) => row.cells[0])).toEqual(['b']);
    expect(second!.object.columnDefinitions ?? []).toEqual([]);
    table.close();

    const metadata = await open(`${tcps('w5')}?watch=1`, { Accept: 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1' });
    const event = await metadata.next();
    expect(event).toMatchObject({ type: 'ADDED', object: { apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadata', metadata: { name: 'a' } } });
    expect(event!.object.spec).toBeUndefined();
    metadata.close();
  });

  it('supports the deprecated /watch/ prefix for one object', async () => {
    await create('w6', 'one');
    await create('w6', 'two');
    const stream = await open(`${G}/watch/namespaces/w6/tenantcontrolplanes/two`);
    expect(await stream.next()).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'two' } } });
    stream.close();
  });

  it('answers a resourceVersion older than any history with a 410 Expired ERROR event', async () => {
    const first = await create('w7', 'x0');
    for (let i = 1; i <= 8; i++) await create('w7', `x${i}`);
    // Neither the watch cache (5 events) nor storage (compacted) still has the revision.
    await server.storage.compact(await server.storage.currentRevision());
    const stream = await open(`${tcps('w7')}?watch=1&resourceVersion=${first.metadata.resourceVersion}`);
    // kube-apiserver's way: 200, then one ERROR event carrying the 410 Status, then the end.
    expect(stream.status).toBe(200);
    expect(await stream.next()).toMatchObject({ type: 'ERROR', object: { kind: 'Status', reason: 'Expired', code: 410 } });
    expect(await stream.next()).toBeUndefined();
  });
});
