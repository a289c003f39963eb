// Many HTTP watches of one resource, as the aggregator's clients open them: every watcher gets the
// same event (serialized once and shared), each in its own encoding and through its own filter.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { G, request, startTestServer, tenantControlPlane, viaFrontProxy, watch, type TestServer } from './support/server.ts';

const admin = () => viaFrontProxy('admin', ['system:masters']);
const tcps = (ns: string) => `${G}/namespaces/${ns}/tenantcontrolplanes`;
const METADATA = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1';
const TABLE = 'application/json;as=Table;g=meta.k8s.io;v=v1';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const open = (path: string, headers: Record<string, string> = {}) => watch(server, path, { identity: admin(), headers });

describe('watch fan-out', () => {
  it('sends every watcher the same event, in its own encoding, through its own selector', async () => {
    const ns = 'fanout';
    const all = `${tcps(ns)}?watch=1&resourceVersion=0`;
    const plain = await Promise.all(Array.from({ length: 5 }, () => open(all)));
    const onlyB = await open(`${all}&labelSelector=${encodeURIComponent('team=b')}`);
    const metadata = await Promise.all([open(all, { Accept: METADATA }), open(all, { Accept: METADATA })]);
    const table = await open(all, { Accept: TABLE });

    const post = async (name: string, team: string) => {
      const response = await request(server, tcps(ns), { identity: admin(), method: 'POST', body: tenantControlPlane(name, ns, { metadata: { name, namespace: ns, labels: { team } } }) });
      expect(response.status).toBe(201);
      return response.json();
    };
    const a = await post('a', 'a');
    const b = await post('b', 'b');
    expect((await request(server, `${tcps(ns)}/b`, { identity: admin(), method: 'DELETE' })).status).toBe(200);

    const plainFrames = await Promise.all(plain.map(async (s) => [await s.next(), await s.next(), await s.next()]));
    expect(plainFrames[0]!.map((f) => `${f!.type} ${f!.object.metadata.name}`)).toEqual(['ADDED a', 'ADDED b', 'DELETED b']);
    expect(plainFrames[0]![0]!.object).toEqual(a);
    expect(plainFrames[0]![1]!.object).toEqual(b);
    // DELETED carries the delete's resourceVersion, not the last state's.
    expect(Number(plainFrames[0]![2]!.object.metadata.resourceVersion)).toBeGreaterThan(Number(b.metadata.resourceVersion));
    for (const frames of plainFrames.slice(1)) expect(frames).toEqual(plainFrames[0]);

    expect([await onlyB.next(), await onlyB.next()]).toEqual(plainFrames[0]!.slice(1));

    const [m1, m2] = await Promise.all(metadata.map(async (s) => [await s.next(), await s.next(), await s.next()]));
    expect(m1!.map((f) => `${f!.type} ${f!.object.kind} ${f!.object.metadata.name}`)).toEqual([
      'ADDED PartialObjectMetadata a',
      'ADDED PartialObjectMetadata b',
      'DELETED PartialObjectMetadata b',
    ]);
    expect(m1![0]!.object.spec).toBeUndefined();
    expect(m2).toEqual(m1);

    const tableFrames = [await table.next(), await table.next()];
    expect(tableFrames.map((f) => f!.object.kind)).toEqual(['Table', 'Table']);
    expect(tableFrames[0]!.object.columnDefinitions.length).toBeGreaterThan(0);
    expect(tableFrames[1]!.object.columnDefinitions).toEqual([]);

    for (const s of [...plain, onlyB, ...metadata, table]) s.close();
  });
});
