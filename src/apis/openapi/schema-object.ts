// The JSON shape of an OpenAPI schema as Kubernetes publishes it: JSON Schema plus `$ref` and the
// `x-kubernetes-*` extensions, which openapi-types' SchemaObject does not model.
import type { JsonObject } from '../meta.ts';

export type OpenAPISchema = JsonObject;

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export const definitionsPrefix = '#/definitions/';

export function ref(definitionName: string): OpenAPISchema {
  return { $ref: `${definitionsPrefix}${definitionName}` };
}

export function gvkExtension(...gvks: GroupVersionKind[]): OpenAPISchema {
  return { 'x-kubernetes-group-version-kind': gvks.map(({ group, kind, version }) => ({ group, kind, version })) };
}
