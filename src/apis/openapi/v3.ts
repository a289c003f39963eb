// The OpenAPI v3 document of the group-version, as kube-apiserver serves
// /openapi/v3/apis/<group>/<version>: schemas as declared (defaults, int-or-string anyOf kept),
// refs under #/components/schemas, request bodies and responses by media type.
import { createHash } from 'node:crypto';
import type { OpenAPIV3 } from 'openapi-types';
import type { ResourceDeclaration } from '../declaration.ts';
import type { JsonValue } from '../meta.ts';
import { isJsonObject } from '../schema/json.ts';
import { allDefinitions } from './definitions.ts';
import { operationTag } from './names.ts';
import { pretty, queryParametersFor, type QueryParameter } from './parameters.ts';
import { bodyMediaTypes, routesFor, type Route } from './routes.ts';
import { definitionsPrefix, type OpenAPISchema } from './schema-object.ts';
import { sortKeysDeep } from './stable-json.ts';
import { documentInfo, type KubernetesOperationExtensions } from './v2.ts';

export type OpenAPIV3Document = OpenAPIV3.Document<KubernetesOperationExtensions>;

const componentsPrefix = '#/components/schemas/';

export function buildOpenAPIV3(declarations: readonly ResourceDeclaration[]): OpenAPIV3Document {
  const paths: OpenAPIV3.PathsObject<KubernetesOperationExtensions> = {};
  for (const declaration of declarations) {
    for (const route of routesFor(declaration)) {
      const item = (paths[route.path] ??= { parameters: pathParameters(route, declaration.kind) });
      item[route.method] = operation(route, operationTag(declaration.group, declaration.version));
    }
  }
  const schemas: Record<string, OpenAPIV3.SchemaObject> = {};
  for (const [name, schema] of Object.entries(allDefinitions(declarations))) {
    schemas[name] = toV3Schema(schema) as OpenAPIV3.SchemaObject;
  }
  return sortKeysDeep({ openapi: '3.0.0', info: documentInfo, paths, components: { schemas } });
}

/** The `hash` of `/openapi/v3/apis/<group>/<version>?hash=`: uppercase hex SHA-512 of the JSON, as kube-openapi computes it. */
export function openAPIV3Hash(document: OpenAPIV3Document): string {
  return createHash('sha512').update(JSON.stringify(document)).digest('hex').toUpperCase();
}

function refSchema(definition: string): OpenAPIV3.ReferenceObject {
  return { $ref: `${componentsPrefix}${definition}` };
}

function queryParameter(parameter: QueryParameter): OpenAPIV3.ParameterObject {
  return { name: parameter.name, in: 'query', description: parameter.description, schema: { type: parameter.type, uniqueItems: true } };
}

function pathParameters(route: Route, kind: string): OpenAPIV3.ParameterObject[] {
  return [
    ...[...route.pathParameters].sort().map((name): OpenAPIV3.ParameterObject => ({
      name,
      in: 'path',
      required: true,
      description: name === 'name' ? `name of the ${kind}` : 'object name and auth scope, such as for teams and projects',
      schema: { type: 'string', uniqueItems: true },
    })),
    queryParameter(pretty),
  ];
}

function operation(route: Route, tag: string): OpenAPIV3.OperationObject<KubernetesOperationExtensions> {
  const responses: OpenAPIV3.ResponsesObject = { '401': { description: 'Unauthorized' } };
  for (const [code, response] of Object.entries(route.responses)) {
    const content = Object.fromEntries(bodyMediaTypes.map((type) => [type, { schema: refSchema(response.definition) }]));
    responses[code] = { description: response.description, content };
  }
  return {
    tags: [tag],
    description: route.description,
    operationId: route.operationId,
    parameters: queryParametersFor(route.action).map(queryParameter),
    ...(route.body
      ? {
          requestBody: {
            content: Object.fromEntries(route.consumes.map((type) => [type, { schema: refSchema(route.body!.definition) }])),
            ...(route.body.required ? { required: true } : {}),
          },
        }
      : {}),
    responses,
    'x-kubernetes-action': route.action,
    'x-kubernetes-group-version-kind': route.gvk,
  };
}

/** Refs move to #/components/schemas; a ref with siblings (a description) is wrapped in allOf, as kube does in v3. */
export function toV3Schema(schema: OpenAPISchema): OpenAPISchema {
  const out: OpenAPISchema = {};
  for (const [key, value] of Object.entries(schema)) out[key] = convertChild(key, value);
  const target = out['$ref'];
  if (typeof target === 'string') {
    const moved = target.replace(definitionsPrefix, componentsPrefix);
    if (Object.keys(out).length === 1) return { $ref: moved };
    delete out['$ref'];
    out['allOf'] = [{ $ref: moved }];
  }
  return out;
}

function convertChild(key: string, value: JsonValue): JsonValue {
  if (key === 'properties' && isJsonObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([name, child]) => [name, isJsonObject(child) ? toV3Schema(child) : child]));
  }
  if ((key === 'items' || key === 'additionalProperties') && isJsonObject(value)) return toV3Schema(value);
  if ((key === 'anyOf' || key === 'allOf' || key === 'oneOf') && Array.isArray(value)) {
    return value.map((child) => (isJsonObject(child) ? toV3Schema(child) : child));
  }
  return value;
}
