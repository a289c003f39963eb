// Every HTTP operation a declaration serves, in the version-neutral form both documents render:
// the collection and item paths, /status, /scale, and the custom subresources (kubeconfig, join).
import type { ResourceDeclaration } from '../declaration.ts';
import { scaleGroupVersionKind } from '../scale.ts';
import { metaNames } from './meta-definitions.ts';
import { definitionName, operationId } from './names.ts';
import { scaleNames } from './scale-definitions.ts';
import type { Action } from './parameters.ts';
import type { GroupVersionKind } from './schema-object.ts';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface Route {
  path: string;
  method: Method;
  action: Action;
  operationId: string;
  description: string;
  gvk: GroupVersionKind;
  pathParameters: ('namespace' | 'name')[];
  /** Definition name of the body, if the operation reads one. */
  body?: { definition: string; required: boolean };
  /** Status code → definition name of the response body. */
  responses: Record<string, { description: string; definition: string }>;
  consumes: readonly string[];
}

/** The patch types the server accepts. No strategic merge patch: kubectl then uses merge patch. */
export const patchMediaTypes = ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'] as const;
/** Bodies and responses are JSON or YAML (src/apiserver/negotiation.ts). */
export const bodyMediaTypes = ['application/json', 'application/yaml'] as const;

const ok = (definition: string) => ({ '200': { description: 'OK', definition } });

function articleFor(kind: string): string {
  return /^[AEIOU]/.test(kind) ? 'an' : 'a';
}

export function routesFor(declaration: ResourceDeclaration): Route[] {
  const { group, version, kind, plural } = declaration;
  const namespaced = declaration.scope === 'Namespaced';
  const base = `/apis/${group}/${version}`;
  const collection = namespaced ? `${base}/namespaces/{namespace}/${plural}` : `${base}/${plural}`;
  const item = `${collection}/{name}`;
  const gvk = { group, version, kind };
  const object = definitionName(group, version, kind);
  const list = definitionName(group, version, declaration.listKind);
  const collectionParameters: Route['pathParameters'] = namespaced ? ['namespace'] : [];
  const itemParameters: Route['pathParameters'] = [...collectionParameters, 'name'];
  const a = articleFor(kind);

  const route = (partial: Omit<Route, 'consumes' | 'gvk'> & Partial<Pick<Route, 'gvk'>>): Route => ({
    gvk,
    consumes: partial.method === 'patch' ? patchMediaTypes : bodyMediaTypes,
    ...partial,
  });

  const routes: Route[] = [];
  if (namespaced) {
    routes.push(route({
      path: `${base}/${plural}`, method: 'get', action: 'list', pathParameters: [],
      operationId: operationId(declaration, 'list', { allNamespaces: true }),
      description: `list objects of kind ${kind}`, responses: ok(list),
    }));
  }
  routes.push(
    route({ path: collection, method: 'get', action: 'list', pathParameters: collectionParameters, operationId: operationId(declaration, 'list'), description: `list objects of kind ${kind}`, responses: ok(list) }),
    route({
      path: collection, method: 'post', action: 'post', pathParameters: collectionParameters, operationId: operationId(declaration, 'create'),
      description: `create ${a} ${kind}`, body: { definition: object, required: true },
      responses: { ...ok(object), '201': { description: 'Created', definition: object }, '202': { description: 'Accepted', definition: object } },
    }),
    route({
      path: collection, method: 'delete', action: 'deletecollection', pathParameters: collectionParameters, operationId: operationId(declaration, 'deletecollection'),
      description: `delete collection of ${kind}`, body: { definition: metaNames.deleteOptions, required: false }, responses: ok(metaNames.status),
    }),
    ...mainAndStatus(''),
    route({
      path: item, method: 'delete', action: 'delete', pathParameters: itemParameters, operationId: operationId(declaration, 'delete'),
      description: `delete ${a} ${kind}`, body: { definition: metaNames.deleteOptions, required: false },
      responses: { ...ok(metaNames.status), '202': { description: 'Accepted', definition: metaNames.status } },
    }),
  );
  if (declaration.statusSubresource) routes.push(...mainAndStatus('status'));
  if (declaration.scaleSubresource) routes.push(...scale());

  for (const subresource of declaration.customSubresources) {
    const returned = definitionName(group, version, subresource.kind);
    const subGvk = { group, version, kind: subresource.kind };
    const path = `${item}/${subresource.name}`;
    if (subresource.verbs.includes('get')) {
      routes.push(route({
        path, method: 'get', action: 'get', gvk: subGvk, pathParameters: itemParameters,
        operationId: operationId(declaration, 'read', { subresource: subresource.name }),
        description: `read ${subresource.name} of the specified ${kind}: ${subresource.description}`, responses: ok(returned),
      }));
    }
    if (subresource.verbs.includes('create')) {
      routes.push(route({
        path, method: 'post', action: 'post', gvk: subGvk, pathParameters: itemParameters,
        operationId: operationId(declaration, 'create', { subresource: subresource.name }),
        description: `create ${subresource.name} of ${a} ${kind}: ${subresource.description}`,
        body: { definition: returned, required: false },
        responses: { ...ok(returned), '201': { description: 'Created', definition: returned } },
      }));
    }
  }
  return routes;

  /** GET, PUT and PATCH of the object as an autoscaling/v1 Scale, tagged with that kind as kube tags deployments/scale. */
  function scale(): Route[] {
    const path = `${item}/scale`;
    const options = { subresource: 'scale' };
    const scaleGvk = { ...scaleGroupVersionKind };
    const written = { ...ok(scaleNames.scale), '201': { description: 'Created', definition: scaleNames.scale } };
    return [
      route({
        path, method: 'get', action: 'get', gvk: scaleGvk, pathParameters: itemParameters, operationId: operationId(declaration, 'read', options),
        description: `read scale of the specified ${kind}`, responses: ok(scaleNames.scale),
      }),
      route({
        path, method: 'put', action: 'put', gvk: scaleGvk, pathParameters: itemParameters, operationId: operationId(declaration, 'replace', options),
        description: `replace scale of the specified ${kind}`, body: { definition: scaleNames.scale, required: true }, responses: written,
      }),
      route({
        path, method: 'patch', action: 'patch', gvk: scaleGvk, pathParameters: itemParameters, operationId: operationId(declaration, 'patch', options),
        description: `partially update scale of the specified ${kind}`, body: { definition: metaNames.patch, required: true }, responses: written,
      }),
    ];
  }

  /** GET, PUT and PATCH of the object itself ('') or of its status. */
  function mainAndStatus(subresource: '' | 'status'): Route[] {
    const path = subresource ? `${item}/${subresource}` : item;
    const of = subresource ? ` ${subresource} of` : '';
    const options = subresource ? { subresource } : {};
    return [
      route({ path, method: 'get', action: 'get', pathParameters: itemParameters, operationId: operationId(declaration, 'read', options), description: `read${of} the specified ${kind}`, responses: ok(object) }),
      route({
        path, method: 'put', action: 'put', pathParameters: itemParameters, operationId: operationId(declaration, 'replace', options),
        description: `replace${of} the specified ${kind}`, body: { definition: object, required: true },
        responses: { ...ok(object), '201': { description: 'Created', definition: object } },
      }),
      route({
        path, method: 'patch', action: 'patch', pathParameters: itemParameters, operationId: operationId(declaration, 'patch', options),
        description: `partially update${of} the specified ${kind}`, body: { definition: metaNames.patch, required: true },
        responses: { ...ok(object), '201': { description: 'Created', definition: object } },
      }),
    ];
  }
}
