// Definitions of our kinds, as kube-apiserver publishes a CRD's: the declared schema with
// metadata as a $ref to ObjectMeta and a group-version-kind extension, the List kind, and the
// kinds custom subresources return. Refs are written `#/definitions/...`; v3.ts rewrites them.
import type { JSONSchemaProps, ResourceDeclaration } from '../declaration.ts';
import type { JsonObject } from '../meta.ts';
import { metaNames } from './meta-definitions.ts';
import { definitionName } from './names.ts';
import { gvkExtension, ref, type OpenAPISchema } from './schema-object.ts';

const objectMetaDescription = 'Standard object metadata: name, namespace, labels, annotations, owner references and the like.';
const listMetaDescription = 'Standard list metadata: resourceVersion and continue token.';

function toJson(schema: JSONSchemaProps): OpenAPISchema {
  return structuredClone(schema) as unknown as JsonObject;
}

export function kindDefinitions(declaration: ResourceDeclaration): Record<string, OpenAPISchema> {
  const { group, version, kind, listKind, plural } = declaration;
  const name = definitionName(group, version, kind);
  const object = toJson(declaration.schema);
  const properties = object['properties'] as JsonObject;
  properties['metadata'] = { ...ref(metaNames.objectMeta), description: objectMetaDescription };
  const definitions: Record<string, OpenAPISchema> = {
    [name]: { ...object, ...gvkExtension({ group, version, kind }) },
    [definitionName(group, version, listKind)]: {
      type: 'object',
      description: `${listKind} is a list of ${kind}`,
      required: ['items'],
      properties: {
        apiVersion: properties['apiVersion']!,
        items: { type: 'array', description: `List of ${plural}.`, items: ref(name) },
        kind: properties['kind']!,
        metadata: { ...ref(metaNames.listMeta), description: listMetaDescription },
      },
      ...gvkExtension({ group, version, kind: listKind }),
    },
  };
  for (const subresource of declaration.customSubresources) {
    const schema: OpenAPISchema = subresource.schema
      ? toJson(subresource.schema)
      : { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    definitions[definitionName(group, version, subresource.kind)] = {
      ...schema,
      description: subresource.description,
      ...gvkExtension({ group, version, kind: subresource.kind }),
    };
  }
  return definitions;
}
