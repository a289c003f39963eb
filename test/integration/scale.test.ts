// The scale subresource over HTTP, as kubectl scale, `kubectl get --subresource scale` and an
// autoscaler use it: autoscaling/v1 Scale in and out, only spec replicas written, preconditions,
// every patch type, the authorization attributes, and its place in discovery and OpenAPI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResourceAttributes, SubjectAccessReviewer } from '../../src/apiserver/authorization.ts';
import { G, request, startTestServer, tenantControlPlane, viaFrontProxy, type RequestOptions, type TestServer } from './support/server.ts';

const KUBECTL_TABLE =
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const admin = () => viaFrontProxy('admin', ['system:masters']);
const reviewed: (ResourceAttributes | undefined)[] = [];
const reviewer: SubjectAccessReviewer = {
  review: async (spec) => {
    reviewed.push(spec.resourceAttributes);
    return { allowed: true };
  },
};

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ subjectAccessReviewer: reviewer });
});
afterAll(() => server.close());

const call = (path: string, options: RequestOptions = {}) => request(server, path, { identity: admin(), ...options });
const tcp = (name: string) => `${G}/namespaces/s1/tenantcontrolplanes/${name}`;
const json = { 'Content-Type': 'application/json' };
const merge = { 'Content-Type': 'application/merge-patch+json' };

async function create(name: string) {
  const response = await call(`${G}/namespaces/s1/tenantcontrolplanes`, { method: 'POST', body: tenantControlPlane(name, 's1') });
  expect(response.status).toBe(201);
  return response.json();
}

/** What a controller reports once the Deployment runs. */
async function reportDeployment(name: string, replicas: number) {
  const current = (await call(tcp(name))).json();
  const status = { kubernetesResources: { deployment: { name, namespace: 's1', replicas, selector: `kamaji.clastix.io/name=${name}` } } };
  const response = await call(`${tcp(name)}/status`, { method: 'PUT', body: { ...current, status } });
  expect(response.status).toBe(200);
}

describe('GET scale', () => {
  it('answers the autoscaling/v1 Scale of the TenantControlPlane', async () => {
    const created = await create('get');
    await reportDeployment('get', 2);
    const response = await call(`${tcp('get')}/scale`);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    const current = (await call(tcp('get'))).json();
    expect(response.json()).toEqual({
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: {
        name: 'get',
        namespace: 's1',
        uid: created.metadata.uid,
        resourceVersion: current.metadata.resourceVersion,
        creationTimestamp: created.metadata.creationTimestamp,
      },
      spec: { replicas: 2 },
      status: { replicas: 2, selector: 'kamaji.clastix.io/name=get' },
    });
  });

  it('as a Table with the kind\'s columns, as a CRD\'s scale answers `kubectl get --subresource scale`', async () => {
    await create('table');
    const table = (await call(`${tcp('table')}/scale`, { headers: { Accept: KUBECTL_TABLE } })).json();
    expect(table.kind).toBe('Table');
    expect(table.columnDefinitions.map((c: { name: string }) => c.name)).toEqual([
      'Name', 'Version', 'Installed Version', 'Status', 'Control-Plane endpoint', 'Kubeconfig', 'Datastore', 'Age',
    ]);
    expect(table.rows[0].cells[0]).toBe('table');
    expect(table.rows[0].object).toMatchObject({ kind: 'PartialObjectMetadata', metadata: { name: 'table', namespace: 's1' } });
  });

  it('404 for a missing object, for a kind without scale, and 405 for other verbs', async () => {
    expect((await call(`${tcp('missing')}/scale`)).json()).toMatchObject({ code: 404, reason: 'NotFound' });
    expect((await call(`${G}/datastores/x/scale`)).status).toBe(404);
    await create('verbs');
    expect((await call(`${tcp('verbs')}/scale`, { method: 'DELETE' })).json()).toMatchObject({ code: 405, reason: 'MethodNotAllowed' });
    expect((await call(`${tcp('verbs')}/scale`, { method: 'POST', body: {} })).status).toBe(405);
  });

  it('is authorized as the scale subresource', async () => {
    await create('authz');
    reviewed.length = 0;
    const alice = viaFrontProxy('alice', ['team-a']);
    expect((await call(`${tcp('authz')}/scale`, { identity: alice, method: 'PATCH', headers: merge, body: { spec: { replicas: 1 } } })).status).toBe(200);
    expect(reviewed).toEqual([
      { namespace: 's1', verb: 'patch', group: 'tenancy.kamaji.io', version: 'v1alpha1', resource: 'tenantcontrolplanes', subresource: 'scale' },
    ]);
  });
});

describe('writes through scale', () => {
  it('PUT changes only spec replicas, bumps the generation, keeps the status, and answers the Scale', async () => {
    await create('put');
    await reportDeployment('put', 2);
    const before = (await call(tcp('put'))).json();
    const scale = (await call(`${tcp('put')}/scale`)).json();
    const response = await call(`${tcp('put')}/scale`, {
      method: 'PUT',
      headers: { ...json, 'User-Agent': 'kubectl/v1.33.0 (linux/amd64)' },
      body: { ...scale, metadata: { ...scale.metadata, labels: { not: 'copied' } }, spec: { replicas: 3 }, status: { replicas: 9 } },
    });
    expect(response.status).toBe(200);
    const after = (await call(tcp('put'))).json();
    expect(response.json()).toMatchObject({ kind: 'Scale', metadata: { resourceVersion: after.metadata.resourceVersion }, spec: { replicas: 3 }, status: { replicas: 2 } });
    expect(after.spec.controlPlane.deployment.replicas).toBe(3);
    expect({ ...after.spec, controlPlane: { ...after.spec.controlPlane, deployment: { ...after.spec.controlPlane.deployment, replicas: 2 } } }).toEqual(before.spec);
    expect(after.status).toEqual(before.status);
    expect(after.metadata.labels).toEqual(before.metadata.labels);
    expect(after.metadata.generation).toBe(before.metadata.generation + 1);
    expect(after.metadata.managedFields).toContainEqual(
      expect.objectContaining({
        manager: 'kubectl',
        operation: 'Update',
        subresource: 'scale',
        apiVersion: 'tenancy.kamaji.io/v1alpha1',
        fieldsV1: { 'f:spec': { 'f:controlPlane': { 'f:deployment': { 'f:replicas': {} } } } },
      }),
    );
  });

  it('a stale resourceVersion is a 409 Conflict; none is unconditional', async () => {
    const created = await create('rv');
    await call(tcp('rv'), { method: 'PATCH', headers: merge, body: { metadata: { labels: { touched: 'yes' } } } });
    const body = (rv?: string) => ({ apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'rv', ...(rv ? { resourceVersion: rv } : {}) }, spec: { replicas: 4 } });
    const stale = await call(`${tcp('rv')}/scale`, { method: 'PUT', headers: json, body: body(created.metadata.resourceVersion) });
    expect(stale.status).toBe(409);
    expect(stale.json()).toMatchObject({
      reason: 'Conflict',
      message: 'Operation cannot be fulfilled on tenantcontrolplanes.tenancy.kamaji.io "rv": the object has been modified; please apply your changes to the latest version and try again',
    });
    expect((await call(`${tcp('rv')}/scale`, { method: 'PUT', headers: json, body: body() })).status).toBe(200);
    const patch = await call(`${tcp('rv')}/scale`, { method: 'PATCH', headers: merge, body: { metadata: { resourceVersion: created.metadata.resourceVersion }, spec: { replicas: 1 } } });
    expect(patch.status).toBe(409);
  });

  it('merge patch, JSON patch and apply on the Scale; strategic merge patch is 415', async () => {
    await create('patch');
    const merged = await call(`${tcp('patch')}/scale`, { method: 'PATCH', headers: merge, body: { spec: { replicas: 5 } } });
    expect(merged.json()).toMatchObject({ kind: 'Scale', spec: { replicas: 5 } });
    const ops = [{ op: 'test', path: '/spec/replicas', value: 5 }, { op: 'replace', path: '/spec/replicas', value: 1 }];
    const patched = await call(`${tcp('patch')}/scale`, { method: 'PATCH', headers: { 'Content-Type': 'application/json-patch+json' }, body: ops });
    expect(patched.json()).toMatchObject({ spec: { replicas: 1 } });
    const applied = await call(`${tcp('patch')}/scale?fieldManager=autoscaler&force=true`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/apply-patch+yaml' },
      body: 'apiVersion: autoscaling/v1\nkind: Scale\nmetadata:\n  name: patch\nspec:\n  replicas: 2\n',
    });
    expect(applied.status).toBe(200);
    const object = (await call(tcp('patch'))).json();
    expect(object.spec.controlPlane.deployment.replicas).toBe(2);
    expect(object.metadata.managedFields).toContainEqual(expect.objectContaining({ manager: 'autoscaler', operation: 'Apply', subresource: 'scale' }));
    const smp = await call(`${tcp('patch')}/scale`, { method: 'PATCH', headers: { 'Content-Type': 'application/strategic-merge-patch+json' }, body: {} });
    expect(smp.json()).toMatchObject({ code: 415, reason: 'UnsupportedMediaType' });
  });

  it('dryRun=All answers the new Scale and stores nothing', async () => {
    await create('dry');
    const before = (await call(tcp('dry'))).json();
    const response = await call(`${tcp('dry')}/scale?dryRun=All`, { method: 'PATCH', headers: merge, body: { spec: { replicas: 7 } } });
    expect(response.json()).toMatchObject({ spec: { replicas: 7 } });
    expect((await call(tcp('dry'))).json()).toEqual(before);
  });

  it('bad input: a Status naming what is wrong', async () => {
    await create('bad');
    const negative = await call(`${tcp('bad')}/scale`, { method: 'PATCH', headers: merge, body: { spec: { replicas: -1 } } });
    expect(negative.status).toBe(422);
    expect(negative.json().details.causes).toContainEqual({
      reason: 'FieldValueInvalid',
      field: '.spec.controlPlane.deployment.replicas',
      message: 'Invalid value: -1: should be a non-negative integer',
    });
    const text = await call(`${tcp('bad')}/scale`, { method: 'PATCH', headers: merge, body: { spec: { replicas: 'three' } } });
    expect(text.json()).toMatchObject({ code: 400, reason: 'BadRequest', message: 'spec.replicas: must be a 32-bit integer, not "three"' });
    const other = await call(`${tcp('bad')}/scale`, { method: 'PUT', headers: json, body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bad' } } });
    expect(other.json()).toMatchObject({ code: 400, message: 'the body must be a Scale of autoscaling/v1, not a Pod of v1' });
    const strict = await call(`${tcp('bad')}/scale?fieldValidation=Strict`, { method: 'PATCH', headers: merge, body: { spec: { replicas: 1, surge: 2 } } });
    expect(strict.json()).toMatchObject({ code: 400, message: 'strict decoding error: unknown field "spec.surge"' });
    const warned = await call(`${tcp('bad')}/scale`, { method: 'PATCH', headers: merge, body: { spec: { replicas: 1, surge: 2 } } });
    expect(warned.headers['warning']).toBe('299 - "unknown field \\"spec.surge\\""');
  });
});

describe('discovery and OpenAPI', () => {
  it('OpenAPI v2 and v3 publish the scale operations with the autoscaling/v1 Scale definition', async () => {
    const path = '/apis/tenancy.kamaji.io/v1alpha1/namespaces/{namespace}/tenantcontrolplanes/{name}/scale';
    const gvk = { group: 'autoscaling', version: 'v1', kind: 'Scale' };
    const v2 = (await call('/openapi/v2', { headers: { Accept: 'application/json' } })).json();
    expect(Object.keys(v2.paths[path]).filter((k) => k !== 'parameters').sort()).toEqual(['get', 'patch', 'put']);
    for (const method of ['get', 'put', 'patch']) expect(v2.paths[path][method]['x-kubernetes-group-version-kind']).toEqual(gvk);
    expect(v2.paths[path].get.responses['200'].schema).toEqual({ $ref: '#/definitions/io.k8s.api.autoscaling.v1.Scale' });
    expect(v2.definitions['io.k8s.api.autoscaling.v1.Scale']['x-kubernetes-group-version-kind']).toEqual([gvk]);
    const root = (await call('/openapi/v3')).json();
    const v3 = (await call(root.paths['apis/tenancy.kamaji.io/v1alpha1'].serverRelativeURL)).json();
    expect(v3.paths[path].put.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/io.k8s.api.autoscaling.v1.Scale' });
    expect(v3.components.schemas['io.k8s.api.autoscaling.v1.ScaleStatus'].required).toEqual(['replicas']);
  });
});
