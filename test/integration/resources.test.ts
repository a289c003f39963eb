// The resource URL space over HTTP: every verb, content negotiation (JSON, YAML, Table,
// PartialObjectMetadata), patch types, options, errors as Status objects, custom subresources.
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantControlPlaneDeclaration } from '../../src/apis/index.ts';
import type { SubresourceHandler, SubresourceRequest } from '../../src/registry/store.ts';
import { G, request, startTestServer, tenantControlPlane, viaFrontProxy, type RequestOptions, type TestServer } from './support/server.ts';

const KUBECTL_TABLE =
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const admin = () => viaFrontProxy('admin', ['system:masters']);
const declared = (name: string) => tenantControlPlaneDeclaration.customSubresources.find((s) => s.name === name)!;
const seen: SubresourceRequest[] = [];
const kubeconfigHandler: SubresourceHandler = {
  subresource: declared('kubeconfig'),
  printerColumns: [{ name: 'Namespace', type: 'string', description: 'namespace', priority: 0, jsonPath: '.metadata.namespace' }],
  get: async (r) => {
    seen.push(r);
    return { apiVersion: 'tenancy.kamaji.io/v1alpha1', kind: declared('kubeconfig').kind, metadata: { name: r.name, namespace: r.namespace! } };
  },
};
const joinHandler: SubresourceHandler = {
  subresource: declared('join'),
  printerColumns: [],
  create: async (r) => {
    seen.push(r);
    return { apiVersion: 'tenancy.kamaji.io/v1alpha1', kind: declared('join').kind, metadata: { name: r.name }, spec: r.body ?? {} };
  },
};

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ subresources: { tenantcontrolplanes: [kubeconfigHandler, joinHandler] } });
});
afterAll(() => server.close());

const call = (path: string, options: RequestOptions = {}) => request(server, path, { identity: admin(), ...options });
const tcps = (ns: string) => `${G}/namespaces/${ns}/tenantcontrolplanes`;

async function create(ns: string, name: string, extra: Record<string, unknown> = {}) {
  const response = await call(tcps(ns), { method: 'POST', body: tenantControlPlane(name, ns, extra) });
  expect(response.status).toBe(201);
  return response.json();
}

describe('create and get', () => {
  it('creates (201), reads back as JSON and YAML, and marks every answer private', async () => {
    const created = await create('c1', 'prod');
    expect(created).toMatchObject({ kind: 'TenantControlPlane', metadata: { name: 'prod', namespace: 'c1', generation: 1 } });
    const json = await call(`${tcps('c1')}/prod`);
    expect(json.headers['cache-control']).toBe('no-cache, private');
    expect(json.json().metadata.uid).toBe(created.metadata.uid);
    const yaml = await call(`${tcps('c1')}/prod`, { headers: { Accept: 'application/yaml' } });
    expect(yaml.headers['content-type']).toBe('application/yaml');
    expect(parseYaml(yaml.text).metadata.uid).toBe(created.metadata.uid);
  });

  it('accepts a YAML body and generateName', async () => {
    const body = `apiVersion: tenancy.kamaji.io/v1alpha1
kind: TenantControlPlane
metadata:
  generateName: gen-
spec:
  controlPlane: {service: {serviceType: ClusterIP}}
  kubernetes: {version: v1.33.0, kubelet: {cgroupfs: systemd}}
`;
    const response = await call(tcps('c1'), { method: 'POST', body, headers: { 'Content-Type': 'application/yaml' } });
    expect(response.status).toBe(201);
    expect(response.json().metadata.name).toMatch(/^gen-[a-z0-9]{5}$/);
  });

  it('persists nothing on dryRun=All and answers as a real create would', async () => {
    const response = await call(`${tcps('c1')}?dryRun=All`, { method: 'POST', body: tenantControlPlane('dry', 'c1') });
    expect(response.status).toBe(201);
    expect((await call(`${tcps('c1')}/dry`)).status).toBe(404);
    const bad = await call(`${tcps('c1')}?dryRun=Some`, { method: 'POST', body: tenantControlPlane('dry', 'c1') });
    expect(bad.status).toBe(422);
    expect(bad.json().message).toBe('CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: ["Some"]: supported values: "All"');
  });

  it('answers 409 AlreadyExists, 404 NotFound and 400 for a namespace mismatch, all as Status', async () => {
    const exists = await call(tcps('c1'), { method: 'POST', body: tenantControlPlane('prod', 'c1') });
    expect(exists.status).toBe(409);
    expect(exists.json()).toMatchObject({ kind: 'Status', reason: 'AlreadyExists', code: 409 });
    const missing = await call(`${tcps('c1')}/nope`);
    expect(missing.json()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'tenantcontrolplanes.tenancy.kamaji.io "nope" not found',
      reason: 'NotFound',
      details: { name: 'nope', group: 'tenancy.kamaji.io', kind: 'tenantcontrolplanes' },
      code: 404,
    });
    const mismatch = await call(tcps('c1'), { method: 'POST', body: tenantControlPlane('x', 'other') });
    expect(mismatch.status).toBe(400);
    expect(mismatch.json().reason).toBe('BadRequest');
  });

  it('warns about unknown fields by default and refuses them with fieldValidation=Strict', async () => {
    const body = tenantControlPlane('unknown', 'c1');
    (body.spec as Record<string, unknown>)['bogus'] = 1;
    const warned = await call(tcps('c1'), { method: 'POST', body });
    expect(warned.status).toBe(201);
    expect(warned.headers['warning']).toContain('299 - "unknown field \\"spec.bogus\\""');
    const strict = await call(`${tcps('c1')}?fieldValidation=Strict`, { method: 'POST', body: { ...body, metadata: { name: 'unknown2' } } });
    expect(strict.status).toBe(400);
    expect(strict.json().message).toContain('unknown field "spec.bogus"');
  });
});

describe('bodies and media types', () => {
  it('answers 413 for a body over 3 MiB', async () => {
    const response = await call(tcps('c1'), { method: 'POST', body: 'x'.repeat(3 * 1024 * 1024 + 1) });
    expect(response.status).toBe(413);
    expect(response.json()).toMatchObject({ reason: 'RequestEntityTooLarge', message: 'Request entity too large: limit is 3145728' });
  });
  it('answers 415 for an unknown body type and 406 for an unknown Accept', async () => {
    const body = await call(tcps('c1'), { method: 'POST', body: 'x', headers: { 'Content-Type': 'text/plain' } });
    expect(body.status).toBe(415);
    const accept = await call(tcps('c1'), { headers: { Accept: 'application/vnd.kubernetes.protobuf' } });
    expect(accept.status).toBe(406);
    expect(accept.json().message).toBe('only the following media types are accepted: application/json, application/yaml');
  });
});

describe('list', () => {
  beforeAll(async () => {
    for (const name of ['a', 'b', 'c']) await create('l1', name, { metadata: { name, namespace: 'l1', labels: { tier: name === 'a' ? 'gold' : 'silver' } } });
    await create('l2', 'a');
  });

  it('pages with limit/continue under one resourceVersion', async () => {
    const first = (await call(`${tcps('l1')}?limit=2`)).json();
    expect(first.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['a', 'b']);
    expect(first.metadata.continue).toBeTruthy();
    const second = (await call(`${tcps('l1')}?limit=2&continue=${encodeURIComponent(first.metadata.continue)}`)).json();
    expect(second.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['c']);
    expect(second.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
  });

  it('filters by label and field selectors, across namespaces too', async () => {
    const gold = (await call(`${tcps('l1')}?labelSelector=${encodeURIComponent('tier in (gold)')}`)).json();
    expect(gold.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['a']);
    const named = (await call(`${G}/tenantcontrolplanes?fieldSelector=${encodeURIComponent('metadata.name=a')}`)).json();
    expect(named.items.map((i: { metadata: { namespace: string } }) => i.metadata.namespace).sort()).toEqual(['l1', 'l2']);
    const unsupported = await call(`${tcps('l1')}?fieldSelector=spec.x%3D1`);
    expect(unsupported.status).toBe(400);
    expect(unsupported.json().message).toContain('spec.x');
  });

  it('serves the Table kubectl asks for, with metadata objects by default and includeObject', async () => {
    const table = (await call(tcps('l1'), { headers: { Accept: KUBECTL_TABLE } })).json();
    expect(table).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
    expect(table.metadata.resourceVersion).toBeTruthy();
    expect(table.columnDefinitions[0]).toMatchObject({ name: 'Name', format: 'name' });
    expect(table.rows).toHaveLength(3);
    expect(table.rows[0].cells[0]).toBe('a');
    expect(table.rows[0].object).toMatchObject({ kind: 'PartialObjectMetadata', metadata: { name: 'a', labels: { tier: 'gold' } } });
    const full = (await call(`${tcps('l1')}?includeObject=Object`, { headers: { Accept: KUBECTL_TABLE } })).json();
    expect(full.rows[0].object.kind).toBe('TenantControlPlane');
    const none = (await call(`${tcps('l1')}?includeObject=None`, { headers: { Accept: KUBECTL_TABLE } })).json();
    expect(none.rows[0].object).toBeUndefined();
    const bad = await call(`${tcps('l1')}?includeObject=All`, { headers: { Accept: KUBECTL_TABLE } });
    expect(bad.status).toBe(400);
    const single = (await call(`${tcps('l1')}/a`, { headers: { Accept: KUBECTL_TABLE } })).json();
    expect(single.rows).toHaveLength(1);
    expect(single.metadata.resourceVersion).toBe(single.rows[0].object.metadata.resourceVersion);
  });

  it('serves PartialObjectMetadataList to metadata clients and refuses PartialObjectMetadata for a list', async () => {
    const accept = 'application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';
    const list = (await call(tcps('l1'), { headers: { Accept: accept } })).json();
    expect(list.kind).toBe('PartialObjectMetadataList');
    expect(list.items[0]).toEqual({ apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadata', metadata: expect.objectContaining({ name: 'a' }) });
    expect(list.items[0].spec).toBeUndefined();
    const object = (await call(`${tcps('l1')}/a`, { headers: { Accept: 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1' } })).json();
    expect(object).toMatchObject({ kind: 'PartialObjectMetadata', metadata: { name: 'a' } });
    const refused = await call(tcps('l1'), { headers: { Accept: 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1' } });
    expect(refused.status).toBe(406);
  });
});

describe('update and patch', () => {
  it('updates with the current resourceVersion and answers 409 Conflict with a stale one', async () => {
    const current = await create('u1', 'x');
    current.metadata.labels = { updated: 'yes' };
    const updated = await call(`${tcps('u1')}/x`, { method: 'PUT', body: current });
    expect(updated.status).toBe(200);
    const stale = await call(`${tcps('u1')}/x`, { method: 'PUT', body: current });
    expect(stale.status).toBe(409);
    expect(stale.json()).toMatchObject({
      reason: 'Conflict',
      message:
        'Operation cannot be fulfilled on tenantcontrolplanes.tenancy.kamaji.io "x": the object has been modified; please apply your changes to the latest version and try again',
    });
  });

  it('applies JSON patch, merge patch and server-side apply, and refuses strategic merge patch with 415', async () => {
    await create('p1', 'x');
    const json = await call(`${tcps('p1')}/x`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json-patch+json' },
      body: [{ op: 'replace', path: '/spec/controlPlane/deployment/replicas', value: 3 }],
    });
    expect(json.status).toBe(200);
    expect(json.json().spec.controlPlane.deployment.replicas).toBe(3);
    const merge = await call(`${tcps('p1')}/x`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/merge-patch+json' },
      body: { metadata: { labels: { merged: 'yes' } } },
    });
    expect(merge.json().metadata.labels.merged).toBe('yes');
    const apply = await call(`${tcps('p1')}/applied?fieldManager=tester`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/apply-patch+yaml' },
      body: `apiVersion: tenancy.kamaji.io/v1alpha1
kind: TenantControlPlane
metadata: {name: applied, namespace: p1}
spec:
  controlPlane: {service: {serviceType: ClusterIP}}
  kubernetes: {version: v1.33.0, kubelet: {cgroupfs: systemd}}
`,
    });
    expect(apply.status).toBe(201);
    expect(apply.json().metadata.managedFields[0]).toMatchObject({ manager: 'tester', operation: 'Apply' });
    const noManager = await call(`${tcps('p1')}/applied`, { method: 'PATCH', headers: { 'Content-Type': 'application/apply-patch+yaml' }, body: '{}' });
    expect(noManager.status).toBe(422);
    const smp = await call(`${tcps('p1')}/x`, { method: 'PATCH', headers: { 'Content-Type': 'application/strategic-merge-patch+json' }, body: {} });
    expect(smp.status).toBe(415);
    expect(smp.json()).toMatchObject({ reason: 'UnsupportedMediaType', code: 415 });
  });

  it('writes status only through /status', async () => {
    await create('s1', 'x');
    const patched = await call(`${tcps('s1')}/x/status`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/merge-patch+json' },
      body: { status: { conditions: [{ type: 'Ready', status: 'True', reason: 'Test', message: '', lastTransitionTime: '2026-01-01T00:00:00Z' }] } },
    });
    expect(patched.status).toBe(200);
    expect((await call(`${tcps('s1')}/x/status`)).json().status.conditions[0].type).toBe('Ready');
  });
});

describe('delete', () => {
  it('deletes and answers a Success Status; a precondition mismatch is 409', async () => {
    const created = await create('d1', 'x');
    const mismatch = await call(`${tcps('d1')}/x`, { method: 'DELETE', body: { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: 'other' } } });
    expect(mismatch.json()).toMatchObject({ code: 409 });
    const deleted = await call(`${tcps('d1')}/x`, { method: 'DELETE', body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' } });
    expect(deleted.status).toBe(200);
    expect(deleted.json()).toMatchObject({
      kind: 'Status',
      status: 'Success',
      details: { name: 'x', group: 'tenancy.kamaji.io', kind: 'tenantcontrolplanes', uid: created.metadata.uid },
    });
    expect((await call(`${tcps('d1')}/x`)).status).toBe(404);
  });

  it('keeps an object with finalizers, marked for deletion, and validates DeleteOptions', async () => {
    await create('d2', 'kept', { metadata: { name: 'kept', namespace: 'd2', finalizers: ['example.com/hold'] } });
    const response = await call(`${tcps('d2')}/kept`, { method: 'DELETE' });
    expect(response.status).toBe(200);
    expect(response.json().metadata.deletionTimestamp).toBeTruthy();
    const invalid = await call(`${tcps('d2')}/kept`, { method: 'DELETE', body: { propagationPolicy: 'Sometimes' } });
    expect(invalid.status).toBe(422);
    expect(invalid.json().message).toContain('propagationPolicy: Unsupported value: "Sometimes"');
  });

  it('deletes a collection by label selector', async () => {
    await create('d3', 'one');
    await create('d3', 'two', { metadata: { name: 'two', namespace: 'd3', labels: { keep: 'yes' } } });
    const response = await call(`${tcps('d3')}?labelSelector=${encodeURIComponent('!keep')}`, { method: 'DELETE' });
    expect(response.status).toBe(200);
    expect(response.json().items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['one']);
    expect((await call(tcps('d3'))).json().items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['two']);
  });
});

describe('URL space', () => {
  it('serves cluster-scoped datastores only without a namespace', async () => {
    expect((await call(`${G}/datastores`)).status).toBe(200);
    expect((await call(`${G}/namespaces/x/datastores`)).status).toBe(404);
    expect((await call(`${G}/tenantcontrolplanes/prod`)).status).toBe(404);
  });
  it('answers 404 for unknown resources and subresources, 405 for unsupported verbs', async () => {
    expect((await call(`${G}/namespaces/x/widgets`)).json()).toMatchObject({ reason: 'NotFound', message: 'the server could not find the requested resource' });
    expect((await call(`${tcps('c1')}/prod/logs`)).status).toBe(404);
    const put = await call(tcps('c1'), { method: 'PUT', body: {} });
    expect(put.status).toBe(405);
    expect(put.json()).toMatchObject({ reason: 'MethodNotAllowed', code: 405 });
    expect((await call(`${tcps('c1')}/prod/kubeconfig`, { method: 'POST', body: {} })).status).toBe(405);
    expect((await call(`${tcps('c1')}/prod/status`, { method: 'DELETE' })).status).toBe(405);
  });
  it('dispatches custom subresources to their handlers, with the user and query, as objects or Tables', async () => {
    const kubeconfig = await call(`${tcps('c1')}/prod/kubeconfig?expirationSeconds=600`);
    expect(kubeconfig.status).toBe(200);
    expect(kubeconfig.json()).toMatchObject({ kind: declared('kubeconfig').kind, metadata: { name: 'prod', namespace: 'c1' } });
    expect(seen.at(-1)).toMatchObject({ namespace: 'c1', name: 'prod', user: { username: 'admin' }, query: { expirationSeconds: '600' } });
    const table = (await call(`${tcps('c1')}/prod/kubeconfig`, { headers: { Accept: KUBECTL_TABLE } })).json();
    expect(table).toMatchObject({ kind: 'Table', rows: [{ cells: ['prod', 'c1'] }] });
    const join = await call(`${tcps('c1')}/prod/join`, { method: 'POST', body: { node: 'w1' } });
    expect(join.status).toBe(201);
    expect(join.json().spec).toEqual({ node: 'w1' });
  });
});
