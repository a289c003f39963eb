// The part of an object whose fields have owners. As upstream, apiVersion, kind and the
// server-controlled metadata (name, uid, resourceVersion, managedFields, ...) are never owned;
// of metadata only labels, annotations, finalizers and ownerReferences are.
import type { JSONSchemaProps } from '../../apis/declaration.ts';
import type { JsonObject, KubeObject } from '../../apis/meta.ts';
import { fieldElement, FieldSet } from './field-set.ts';
import { isJsonObject } from './shape.ts';

const TRACKED_METADATA = ['labels', 'annotations', 'finalizers', 'ownerReferences'] as const;

const stringMap: JSONSchemaProps = { type: 'object', additionalProperties: { type: 'string' } };

/** ObjectMeta's list and map types, as the Kubernetes OpenAPI declares them. */
const METADATA_SCHEMA: JSONSchemaProps = {
  type: 'object',
  properties: {
    labels: stringMap,
    annotations: stringMap,
    finalizers: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
    ownerReferences: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          apiVersion: { type: 'string' },
          kind: { type: 'string' },
          name: { type: 'string' },
          uid: { type: 'string' },
          controller: { type: 'boolean' },
          blockOwnerDeletion: { type: 'boolean' },
        },
      },
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['uid'],
    },
  },
};

/** The object's schema with ObjectMeta's ownership rules in place of whatever it says of metadata. */
export function trackedSchema(schema: JSONSchemaProps): JSONSchemaProps {
  return { ...schema, type: 'object', properties: { ...schema.properties, metadata: METADATA_SCHEMA } };
}

/** Everything but apiVersion and kind, with metadata narrowed to its owned fields. */
export function trackedView(object: KubeObject | undefined): JsonObject {
  const view: JsonObject = { metadata: {} };
  if (!object) return view;
  const metadata: JsonObject = {};
  const source = (object.metadata ?? {}) as unknown as JsonObject;
  for (const name of TRACKED_METADATA) {
    if (source[name] !== undefined) metadata[name] = source[name];
  }
  view.metadata = metadata;
  for (const [name, value] of Object.entries(object)) {
    if (name !== 'apiVersion' && name !== 'kind' && name !== 'metadata' && value !== undefined) {
      view[name] = value as JsonObject[string];
    }
  }
  return view;
}

/** `base` with its owned parts replaced by those of `view`. */
export function withTrackedView(base: KubeObject, view: JsonObject): KubeObject {
  const metadata: JsonObject = {};
  for (const [name, value] of Object.entries((base.metadata ?? {}) as unknown as JsonObject)) {
    if (!(TRACKED_METADATA as readonly string[]).includes(name)) metadata[name] = value;
  }
  const viewMetadata = isJsonObject(view.metadata) ? view.metadata : {};
  for (const name of TRACKED_METADATA) {
    if (viewMetadata[name] !== undefined) metadata[name] = viewMetadata[name];
  }
  const object: KubeObject = { apiVersion: base.apiVersion, kind: base.kind, metadata: metadata as KubeObject['metadata'] };
  for (const [name, value] of Object.entries(view)) {
    if (name !== 'metadata') object[name] = value;
  }
  return object;
}

/** `metadata` itself is never owned (upstream strips it), only the owned fields below it. */
export function withoutMetadataItself(set: FieldSet): FieldSet {
  return set.difference(FieldSet.of([[fieldElement('metadata')]]));
}
