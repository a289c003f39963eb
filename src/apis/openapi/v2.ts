// The OpenAPI v2 (Swagger 2.0) document, as kube-apiserver publishes a CRD's at /openapi/v2:
// schemas reduced to what v2 and kubectl's v2 reader cope with (ToStructuralOpenAPIV2), defaults
// pruned, every operation tagged with its action and group-version-kind.
import type { OpenAPIV2 } from 'openapi-types';
import type { ResourceDeclaration } from '../declaration.ts';
import type { JsonValue } from '../meta.ts';
import { isJsonObject } from '../schema/json.ts';
import { allDefinitions } from './definitions.ts';
import { operationTag } from './names.ts';
import { pretty, queryParametersFor, type QueryParameter } from './parameters.ts';
import { bodyMediaTypes, routesFor, type Route } from './routes.ts';
import { ref, type GroupVersionKind, type OpenAPISchema } from './schema-object.ts';
import { sortKeysDeep } from './stable-json.ts';

export interface KubernetesOperationExtensions {
  'x-kubernetes-action': string;
  'x-kubernetes-group-version-kind': GroupVersionKind;
}

export type OpenAPIV2Document = OpenAPIV2.Document<KubernetesOperationExtensions>;

export const documentInfo = { title: 'Kamaji-TS', version: 'v1alpha1' };

export function buildOpenAPIV2(declarations: readonly ResourceDeclaration[]): OpenAPIV2Document {
  const paths: OpenAPIV2.PathsObject<KubernetesOperationExtensions> = {};
  for (const declaration of declarations) {
    for (const route of routesFor(declaration)) {
      const item = (paths[route.path] ??= { parameters: pathParameters(route, declaration.kind) });
      item[route.method] = operation(route, operationTag(declaration.group, declaration.version));
    }
  }
  const definitions: Record<string, OpenAPIV2.SchemaObject> = {};
  for (const [name, schema] of Object.entries(allDefinitions(declarations))) {
    definitions[name] = toV2Schema(schema) as OpenAPIV2.SchemaObject;
  }
  return sortKeysDeep({ swagger: '2.0', info: documentInfo, paths, definitions });
}

function queryParameter(parameter: QueryParameter): OpenAPIV2.GeneralParameterObject {
  return { name: parameter.name, in: 'query', type: parameter.type, uniqueItems: true, description: parameter.description };
}

function pathParameters(route: Route, kind: string): OpenAPIV2.Parameters {
  return [
    ...[...route.pathParameters].sort().map((name): OpenAPIV2.GeneralParameterObject => ({
      name,
      in: 'path',
      required: true,
      type: 'string',
      uniqueItems: true,
      description: name === 'name' ? `name of the ${kind}` : 'object name and auth scope, such as for teams and projects',
    })),
    queryParameter(pretty),
  ];
}

function operation(route: Route, tag: string): OpenAPIV2.OperationObject<KubernetesOperationExtensions> {
  const parameters: OpenAPIV2.Parameters = queryParametersFor(route.action).map(queryParameter);
  if (route.body) parameters.unshift({ name: 'body', in: 'body', ...(route.body.required ? { required: true } : {}), schema: ref(route.body.definition) });
  const responses: OpenAPIV2.ResponsesObject = { '401': { description: 'Unauthorized' } };
  for (const [code, response] of Object.entries(route.responses)) {
    responses[code] = { description: response.description, schema: ref(response.definition) };
  }
  return {
    description: route.description,
    consumes: [...route.consumes],
    produces: [...bodyMediaTypes],
    schemes: ['https'],
    tags: [tag],
    operationId: route.operationId,
    parameters,
    responses,
    'x-kubernetes-action': route.action,
    'x-kubernetes-group-version-kind': route.gvk,
  };
}

/**
 * What kube-apiserver does to a structural schema before publishing it in v2: no anyOf/allOf/
 * oneOf/not, untyped nullable fields, no properties or items under preserve-unknown-fields, no
 * typeless arrays, and no defaults (pruned from the published v2 document).
 */
export function toV2Schema(schema: OpenAPISchema): OpenAPISchema {
  const out: OpenAPISchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (['anyOf', 'allOf', 'oneOf', 'not', 'default', 'nullable'].includes(key)) continue;
    out[key] = convertChild(key, value);
  }
  if (schema['nullable'] === true) {
    delete out['type'];
    delete out['items'];
    delete out['properties'];
  }
  if (schema['x-kubernetes-preserve-unknown-fields'] === true) {
    delete out['items'];
    delete out['properties'];
    if (out['type'] === 'object') delete out['type'];
  }
  if (out['type'] === 'array' && out['items'] === undefined) delete out['type'];
  const properties = schema['properties'];
  if (Array.isArray(out['required']) && isJsonObject(properties)) {
    const nullable = new Set(Object.keys(properties).filter((k) => isJsonObject(properties[k]) && properties[k]['nullable'] === true));
    out['required'] = out['required'].filter((name) => !nullable.has(String(name)));
    if (out['required'].length === 0) delete out['required'];
  }
  return out;
}

function convertChild(key: string, value: JsonValue): JsonValue {
  if (key === 'properties' && isJsonObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([name, child]) => [name, isJsonObject(child) ? toV2Schema(child) : child]));
  }
  if ((key === 'items' || key === 'additionalProperties') && isJsonObject(value)) return toV2Schema(value);
  return value;
}
