// Discovery (legacy and aggregated v2), OpenAPI v2/v3 and /version, as the aggregator and kubectl ask.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubresourceHandler } from '../../src/registry/store.ts';
import { tenantControlPlaneDeclaration } from '../../src/apis/index.ts';
import { G, aggregator, request, startTestServer, viaFrontProxy, type TestServer } from './support/server.ts';

const V2_ACCEPT = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
const subresource = (name: string) => tenantControlPlaneDeclaration.customSubresources.find((s) => s.name === name)!;
// Minimal handlers: discovery advertises a custom subresource only with its handler's verbs.
const kubeconfigHandler: SubresourceHandler = { subresource: subresource('kubeconfig'), printerColumns: [], get: async () => ({ apiVersion: 'v1', kind: 'Secret', metadata: {} }) };
const joinHandler: SubresourceHandler = { subresource: subresource('join'), printerColumns: [], create: async () => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: {} }) };

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ subresources: { tenantcontrolplanes: [kubeconfigHandler, joinHandler] } });
});
afterAll(() => server.close());

describe('legacy discovery', () => {
  it('lists every resource and subresource of the group-version with its kind and verbs', async () => {
    const response = await request(server, G, { identity: aggregator() });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.headers['cache-control']).toBe('no-cache, private');
    const { resources } = response.json();
    const all = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
    expect(resources).toEqual([
      { name: 'datastores', singularName: 'datastore', namespaced: false, kind: 'DataStore', verbs: all, categories: ['kamaji'] },
      { name: 'datastores/status', singularName: '', namespaced: false, kind: 'DataStore', verbs: ['get', 'patch', 'update'] },
      {
        name: 'tenantcontrolplanes',
        singularName: 'tenantcontrolplane',
        namespaced: true,
        kind: 'TenantControlPlane',
        verbs: all,
        shortNames: ['tcp'],
        categories: ['kamaji'],
      },
      { name: 'tenantcontrolplanes/status', singularName: '', namespaced: true, kind: 'TenantControlPlane', verbs: ['get', 'patch', 'update'] },
      {
        name: 'tenantcontrolplanes/scale',
        singularName: '',
        namespaced: true,
        group: 'autoscaling',
        version: 'v1',
        kind: 'Scale',
        verbs: ['get', 'patch', 'update'],
      },
      {
        name: 'tenantcontrolplanes/kubeconfig',
        singularName: '',
        namespaced: true,
        group: 'tenancy.kamaji.io',
        version: 'v1alpha1',
        kind: subresource('kubeconfig').kind,
        verbs: ['get'],
      },
      {
        name: 'tenantcontrolplanes/join',
        singularName: '',
        namespaced: true,
        group: 'tenancy.kamaji.io',
        version: 'v1alpha1',
        kind: subresource('join').kind,
        verbs: ['create'],
      },
    ]);
  });

  it('serves /apis/<group> and /apis', async () => {
    const group = {
      name: 'tenancy.kamaji.io',
      versions: [{ groupVersion: 'tenancy.kamaji.io/v1alpha1', version: 'v1alpha1' }],
      preferredVersion: { groupVersion: 'tenancy.kamaji.io/v1alpha1', version: 'v1alpha1' },
    };
    expect((await request(server, '/apis/tenancy.kamaji.io', { identity: aggregator() })).json()).toEqual({ kind: 'APIGroup', apiVersion: 'v1', ...group });
    const list = await request(server, '/apis', { identity: aggregator() });
    expect(list.headers['vary']).toBe('Accept');
    expect(list.json()).toEqual({ kind: 'APIGroupList', apiVersion: 'v1', groups: [group] });
  });

  it('answers unknown groups and versions with a 404 Status', async () => {
    const response = await request(server, '/apis/tenancy.kamaji.io/v2', { identity: aggregator() });
    expect(response.status).toBe(404);
    expect(response.json()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'the server could not find the requested resource',
      reason: 'NotFound',
      details: {},
      code: 404,
    });
  });
});

describe('aggregated discovery', () => {
  it('serves APIGroupDiscoveryList v2 with an ETag and answers 304 to If-None-Match', async () => {
    const response = await request(server, '/apis', { identity: aggregator(), headers: { Accept: V2_ACCEPT } });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe(V2_ACCEPT);
    expect(response.headers['vary']).toBe('Accept');
    const etag = response.headers['etag'] as string;
    expect(etag).toMatch(/^"[0-9A-F]{128}"$/);
    const document = response.json();
    expect(document).toMatchObject({ kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2' });
    const [version] = document.items[0].versions;
    expect(version.freshness).toBe('Current');
    const tcp = version.resources.find((r: { resource: string }) => r.resource === 'tenantcontrolplanes');
    expect(tcp).toMatchObject({
      responseKind: { group: 'tenancy.kamaji.io', version: 'v1alpha1', kind: 'TenantControlPlane' },
      scope: 'Namespaced',
      singularResource: 'tenantcontrolplane',
      shortNames: ['tcp'],
    });
    expect(tcp.subresources.map((s: { subresource: string; verbs: string[] }) => [s.subresource, s.verbs])).toEqual([
      ['status', ['get', 'patch', 'update']],
      ['scale', ['get', 'patch', 'update']],
      ['kubeconfig', ['get']],
      ['join', ['create']],
    ]);
    for (const s of tcp.subresources) expect(s.responseKind.kind).toBeTruthy();

    const again = await request(server, '/apis', { identity: aggregator(), headers: { Accept: V2_ACCEPT, 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
  });

  it('answers 406 to an Accept listing only types it does not serve (the aggregator then falls back)', async () => {
    const response = await request(server, '/apis', {
      identity: aggregator(),
      headers: { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList' },
    });
    expect(response.status).toBe(406);
    expect(response.json()).toMatchObject({ kind: 'Status', reason: 'NotAcceptable', code: 406 });
  });
});

describe('OpenAPI', () => {
  const asAggregator = () => viaFrontProxy('system:aggregator');

  it('serves v2 with an ETag and 304 on If-None-Match, to a user without groups', async () => {
    const response = await request(server, '/openapi/v2', { identity: asAggregator(), headers: { Accept: 'application/json' } });
    expect(response.status).toBe(200);
    const document = response.json();
    expect(Object.keys(document.paths).every((path: string) => path.startsWith('/apis/tenancy.kamaji.io/v1alpha1/'))).toBe(true);
    const etag = response.headers['etag'] as string;
    const again = await request(server, '/openapi/v2', { identity: asAggregator(), headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
  });

  it('serves the v3 root and the group-version document, immutable only for the current hash, never a redirect', async () => {
    const root = await request(server, '/openapi/v3', { identity: asAggregator() });
    expect(root.status).toBe(200);
    const { serverRelativeURL } = root.json().paths['apis/tenancy.kamaji.io/v1alpha1'];
    expect(serverRelativeURL).toMatch(/^\/openapi\/v3\/apis\/tenancy\.kamaji\.io\/v1alpha1\?hash=[0-9A-F]{128}$/);

    const current = await request(server, serverRelativeURL, { identity: viaFrontProxy('alice', ['system:authenticated']) });
    expect(current.status).toBe(200);
    expect(current.headers['cache-control']).toBe('public, immutable');
    expect(current.headers['expires']).toBeTruthy();
    expect(current.json().openapi).toMatch(/^3\./);

    const stale = await request(server, '/openapi/v3/apis/tenancy.kamaji.io/v1alpha1?hash=0000', { identity: asAggregator() });
    expect(stale.status).toBe(200);
    expect(stale.headers['cache-control']).toBe('no-cache, private');
    expect(stale.text).toBe(current.text);

    expect((await request(server, '/openapi/v3/apis/other.example.com/v1', { identity: asAggregator() })).status).toBe(404);
  });

  it('answers 406 to a protobuf-only Accept', async () => {
    const response = await request(server, '/openapi/v2', {
      identity: asAggregator(),
      headers: { Accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' },
    });
    expect(response.status).toBe(406);
  });
});

describe('/version', () => {
  it('serves version.Info', async () => {
    const response = await request(server, '/version', { identity: aggregator() });
    expect(response.status).toBe(200);
    expect(response.json()).toMatchObject({ major: '0', minor: '1', gitVersion: 'v0.1.0' });
  });
});
