// The OpenAPI documents: current on disk, self-consistent, and shaped the way the aggregator,
// kubectl explain and kubectl apply read them.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { generatedOpenAPIFiles } from '../../../hack/generate-openapi.ts';
import type { JsonObject, JsonValue } from '../../../src/apis/meta.ts';
import { buildOpenAPIV2, buildOpenAPIV3, openAPIV3Hash } from '../../../src/apis/openapi/index.ts';

const v2 = buildOpenAPIV2() as unknown as JsonObject;
const v3 = buildOpenAPIV3() as unknown as JsonObject;
const prefix = '/apis/tenancy.kamaji.io/v1alpha1/';
const methods = ['get', 'put', 'post', 'patch', 'delete'];
const tcpPath = `${prefix}namespaces/{namespace}/tenantcontrolplanes`;

const obj = (value: JsonValue | undefined): JsonObject => value as JsonObject;

function operations(document: JsonObject): [string, string, JsonObject][] {
  return Object.entries(obj(document['paths'])).flatMap(([path, item]) =>
    Object.entries(obj(item))
      .filter(([method]) => methods.includes(method))
      .map(([method, operation]): [string, string, JsonObject] => [path, method, obj(operation)]),
  );
}

function refs(value: JsonValue | undefined, found: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => refs(v, found));
  else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string') found.push(child);
      else refs(child, found);
    }
  }
  return found;
}

const parameterNames = (document: JsonObject, path: string, method: string): string[] => {
  const item = obj(obj(document['paths'])[path]);
  const all = [...((item['parameters'] ?? []) as JsonObject[]), ...((obj(item[method])['parameters'] ?? []) as JsonObject[])];
  return all.map((p) => String(p['name']));
};

describe('committed documents', () => {
  test('api/openapi matches what src/apis generates', () => {
    for (const [file, expected] of Object.entries(generatedOpenAPIFiles())) {
      const committed = readFileSync(new URL(`../../../${file}`, import.meta.url), 'utf8');
      expect(committed === expected, `${file} is stale: run \`npm run generate:openapi\` and commit the result`).toBe(true);
    }
  });
});

describe.each([
  ['v2', v2, '#/definitions/', 'definitions'],
  ['v3', v3, '#/components/schemas/', 'components'],
] as const)('OpenAPI %s', (_name, document, refPrefix, definitionsKey) => {
  const definitions = definitionsKey === 'definitions' ? obj(document['definitions']) : obj(obj(document['components'])['schemas']);

  test('paths are only our group-version, with every operation of both kinds', () => {
    const paths = Object.keys(obj(document['paths']));
    expect(paths.every((p) => p.startsWith(prefix))).toBe(true);
    const summary = operations(document).map(([path, method, op]) => `${method} ${path.slice(prefix.length)} ${op['x-kubernetes-action']}`);
    expect(summary.sort()).toEqual(
      [
        'get tenantcontrolplanes list',
        'get namespaces/{namespace}/tenantcontrolplanes list',
        'post namespaces/{namespace}/tenantcontrolplanes post',
        'delete namespaces/{namespace}/tenantcontrolplanes deletecollection',
        'get namespaces/{namespace}/tenantcontrolplanes/{name} get',
        'put namespaces/{namespace}/tenantcontrolplanes/{name} put',
        'patch namespaces/{namespace}/tenantcontrolplanes/{name} patch',
        'delete namespaces/{namespace}/tenantcontrolplanes/{name} delete',
        'get namespaces/{namespace}/tenantcontrolplanes/{name}/status get',
        'put namespaces/{namespace}/tenantcontrolplanes/{name}/status put',
        'patch namespaces/{namespace}/tenantcontrolplanes/{name}/status patch',
        'get namespaces/{namespace}/tenantcontrolplanes/{name}/scale get',
        'put namespaces/{namespace}/tenantcontrolplanes/{name}/scale put',
        'patch namespaces/{namespace}/tenantcontrolplanes/{name}/scale patch',
        'get namespaces/{namespace}/tenantcontrolplanes/{name}/kubeconfig get',
        'post namespaces/{namespace}/tenantcontrolplanes/{name}/join post',
        'get namespaces/{namespace}/tenantcontrolplanes/{name}/join get',
        'get datastores list',
        'post datastores post',
        'delete datastores deletecollection',
        'get datastores/{name} get',
        'put datastores/{name} put',
        'patch datastores/{name} patch',
        'delete datastores/{name} delete',
        'get datastores/{name}/status get',
        'put datastores/{name}/status put',
        'patch datastores/{name}/status patch',
      ].sort(),
    );
  });

  test('every operation carries its action and group-version-kind', () => {
    for (const [path, method, op] of operations(document)) {
      expect(op['x-kubernetes-action'], `${method} ${path}`).toBeTypeOf('string');
      const gvk = obj(op['x-kubernetes-group-version-kind']);
      if (path.endsWith('/scale')) {
        expect(gvk, `${method} ${path}`).toEqual({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
        expect(op['operationId']).toMatch(/^(read|replace|patch)TenancyKamajiIoV1alpha1NamespacedTenantControlPlaneScale$/);
        continue;
      }
      expect(gvk['group']).toBe('tenancy.kamaji.io');
      expect(gvk['version']).toBe('v1alpha1');
      const expectedKind = path.endsWith('/kubeconfig')
        ? 'TenantControlPlaneKubeconfig'
        : path.endsWith('/join')
          ? 'TenantControlPlaneJoin'
          : path.includes('tenantcontrolplanes')
            ? 'TenantControlPlane'
            : 'DataStore';
      expect(gvk['kind'], `${method} ${path}`).toBe(expectedKind);
      expect(op['operationId']).toMatch(/^(list|read|create|replace|patch|delete)TenancyKamajiIoV1alpha1/);
    }
  });

  test('PATCH accepts JSON patch, merge patch and apply, never strategic merge patch', () => {
    const patches = operations(document).filter(([, method]) => method === 'patch');
    expect(patches).toHaveLength(5);
    for (const [, , op] of patches) {
      const accepted = 'consumes' in op ? (op['consumes'] as string[]) : Object.keys(obj(obj(op['requestBody'])['content']));
      expect([...accepted].sort()).toEqual(['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json']);
    }
  });

  test('writes take fieldValidation, dryRun and fieldManager; lists take the list parameters', () => {
    for (const [path, method, op] of operations(document)) {
      const names = parameterNames(document, path, method);
      expect(names, `${method} ${path}`).toContain('pretty');
      if (['put', 'patch'].includes(method) || op['x-kubernetes-action'] === 'post' && !path.endsWith('/join')) {
        expect(names).toEqual(expect.arrayContaining(['fieldValidation', 'dryRun', 'fieldManager']));
      }
      if (method === 'patch') expect(names).toContain('force');
      if (op['x-kubernetes-action'] === 'list') {
        expect(names).toEqual(
          expect.arrayContaining(['labelSelector', 'fieldSelector', 'limit', 'continue', 'resourceVersion', 'resourceVersionMatch', 'watch', 'allowWatchBookmarks', 'sendInitialEvents', 'timeoutSeconds']),
        );
      }
      if (path.includes('{namespace}')) expect(names).toContain('namespace');
      if (path.includes('{name}')) expect(names).toContain('name');
    }
  });

  test('every $ref resolves to a definition', () => {
    for (const target of refs(document)) {
      expect(target.startsWith(refPrefix), target).toBe(true);
      expect(definitions[target.slice(refPrefix.length)], target).toBeDefined();
    }
  });

  test('kinds, lists and the upstream meta/v1 types are defined under their names', () => {
    for (const kind of ['TenantControlPlane', 'TenantControlPlaneList', 'DataStore', 'DataStoreList', 'TenantControlPlaneKubeconfig', 'TenantControlPlaneJoin']) {
      const definition = obj(definitions[`io.kamaji.tenancy.v1alpha1.${kind}`]);
      expect(definition['x-kubernetes-group-version-kind']).toEqual([{ group: 'tenancy.kamaji.io', kind, version: 'v1alpha1' }]);
    }
    for (const meta of ['ObjectMeta', 'ListMeta', 'Status', 'StatusDetails', 'StatusCause', 'DeleteOptions', 'Preconditions', 'WatchEvent', 'Patch', 'ManagedFieldsEntry', 'OwnerReference', 'Time', 'FieldsV1', 'Condition']) {
      expect(definitions[`io.k8s.apimachinery.pkg.apis.meta.v1.${meta}`], meta).toBeDefined();
    }
    const tcp = obj(definitions['io.kamaji.tenancy.v1alpha1.TenantControlPlane']);
    expect(refs(obj(tcp['properties'])['metadata'])).toEqual([`${refPrefix}io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`]);
    const list = obj(definitions['io.kamaji.tenancy.v1alpha1.TenantControlPlaneList']);
    expect(list['required']).toEqual(['items']);
    const conditions = obj(obj(obj(obj(tcp['properties'])['status'])['properties'])['conditions']);
    expect(conditions['x-kubernetes-list-type']).toBe('map');
    expect(conditions['x-kubernetes-list-map-keys']).toEqual(['type']);
  });

  test('descriptions reach kubectl explain', () => {
    const spec = obj(obj(obj(definitions['io.kamaji.tenancy.v1alpha1.TenantControlPlane'])['properties'])['spec']);
    expect(spec['description']).toMatch(/desired state/);
    const networkProfile = obj(obj(spec['properties'])['networkProfile']);
    expect(obj(obj(networkProfile['properties'])['dnsServiceIPs'])['description']).toMatch(/service CIDR/);
  });
});

describe('v2 specifics (as kube-apiserver publishes CRDs in v2)', () => {
  const deployment = obj(
    obj(obj(obj(obj(obj(obj(obj(obj(v2['definitions'])['io.kamaji.tenancy.v1alpha1.TenantControlPlane'])['properties'])['spec'])['properties'])['controlPlane'])['properties'])['deployment'])['properties'],
  );

  test('int-or-string keeps its extension but no anyOf; preserved objects lose their type; defaults are pruned', () => {
    const maxSurge = obj(obj(obj(obj(deployment['strategy'])['properties'])['rollingUpdate'])['properties'])['maxSurge'];
    expect(maxSurge).toEqual({ description: expect.any(String), 'x-kubernetes-int-or-string': true });
    expect(obj(deployment['affinity'])).toEqual({ description: expect.any(String), 'x-kubernetes-preserve-unknown-fields': true });
    expect(JSON.stringify(v2)).not.toContain('"default"');
    expect(JSON.stringify(v2)).not.toContain('anyOf');
    expect(v2['swagger']).toBe('2.0');
  });

  test('v3 keeps defaults and int-or-string anyOf, and wraps described refs in allOf', () => {
    const tcp = obj(obj(obj(v3['components'])['schemas'])['io.kamaji.tenancy.v1alpha1.TenantControlPlane']);
    const v3Deployment = obj(obj(obj(obj(obj(obj(tcp['properties'])['spec'])['properties'])['controlPlane'])['properties'])['deployment']);
    expect(obj(obj(v3Deployment['properties'])['replicas'])['default']).toBe(2);
    const maxSurge = obj(obj(obj(obj(obj(obj(v3Deployment['properties'])['strategy'])['properties'])['rollingUpdate'])['properties'])['maxSurge']);
    expect(maxSurge['anyOf']).toEqual([{ type: 'integer' }, { type: 'string' }]);
    expect(obj(obj(tcp['properties'])['metadata'])['allOf']).toEqual([{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }]);
    expect(v3['openapi']).toBe('3.0.0');
    const post = obj(obj(obj(v3['paths'])[tcpPath])['post']);
    expect(Object.keys(obj(obj(post['requestBody'])['content']))).toEqual(['application/json', 'application/yaml']);
  });
});

describe('names, as kube-apiserver gives them to a CRD', () => {
  test('operation ids, tags and definition names', () => {
    const ids = Object.fromEntries(operations(v2).map(([path, method, op]) => [`${method} ${path.slice(prefix.length)}`, op['operationId']]));
    expect(ids).toMatchObject({
      'get tenantcontrolplanes': 'listTenancyKamajiIoV1alpha1TenantControlPlaneForAllNamespaces',
      'get namespaces/{namespace}/tenantcontrolplanes': 'listTenancyKamajiIoV1alpha1NamespacedTenantControlPlane',
      'delete namespaces/{namespace}/tenantcontrolplanes': 'deleteTenancyKamajiIoV1alpha1CollectionNamespacedTenantControlPlane',
      'patch namespaces/{namespace}/tenantcontrolplanes/{name}/status': 'patchTenancyKamajiIoV1alpha1NamespacedTenantControlPlaneStatus',
      'get namespaces/{namespace}/tenantcontrolplanes/{name}/kubeconfig': 'readTenancyKamajiIoV1alpha1NamespacedTenantControlPlaneKubeconfig',
      'post namespaces/{namespace}/tenantcontrolplanes/{name}/join': 'createTenancyKamajiIoV1alpha1NamespacedTenantControlPlaneJoin',
      'put datastores/{name}': 'replaceTenancyKamajiIoV1alpha1DataStore',
    });
    expect(new Set(operations(v2).map(([, , op]) => JSON.stringify(op['tags'])))).toEqual(new Set(['["tenancyKamajiIo_v1alpha1"]']));
  });
});

describe('openAPIV3Hash', () => {
  test('is the uppercase hex SHA-512 of the document and follows its content', () => {
    const document = buildOpenAPIV3();
    const hash = openAPIV3Hash(document);
    expect(hash).toMatch(/^[0-9A-F]{128}$/);
    expect(openAPIV3Hash(buildOpenAPIV3())).toBe(hash);
    document.info.version = 'changed';
    expect(openAPIV3Hash(document)).not.toBe(hash);
  });
});
