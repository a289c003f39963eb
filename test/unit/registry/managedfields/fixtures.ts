// A schema with every ownership shape the field manager distinguishes, and objects of it.
import type { JSONSchemaProps } from '../../../../src/apis/declaration.ts';
import type { JsonObject, KubeObject } from '../../../../src/apis/meta.ts';

export const API_VERSION = 'tenancy.kamaji.io/v1alpha1';

export const schema: JSONSchemaProps = {
  type: 'object',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      properties: {
        replicas: { type: 'integer' },
        image: { type: 'string' },
        args: { type: 'array', items: { type: 'string' } },
        tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
        ports: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['port', 'protocol'],
          items: {
            type: 'object',
            properties: {
              port: { type: 'integer' },
              protocol: { type: 'string', default: 'TCP' },
              name: { type: 'string' },
            },
          },
        },
        selector: { type: 'object', additionalProperties: { type: 'string' }, 'x-kubernetes-map-type': 'atomic' },
        extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        network: { type: 'object', properties: { serviceType: { type: 'string' }, address: { type: 'string' } } },
      },
    },
    status: {
      type: 'object',
      properties: {
        phase: { type: 'string' },
        conditions: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['type'],
          items: {
            type: 'object',
            properties: {
              type: { type: 'string' },
              status: { type: 'string' },
              reason: { type: 'string' },
              message: { type: 'string' },
            },
          },
        },
      },
    },
  },
};

/** A TenantControlPlane-like object as a client sends it. */
export function object(parts: { spec?: JsonObject; status?: JsonObject; labels?: Record<string, string> } = {}): KubeObject {
  return {
    apiVersion: API_VERSION,
    kind: 'Widget',
    metadata: { name: 'w', namespace: 'ns', ...(parts.labels ? { labels: parts.labels } : {}) },
    ...(parts.spec ? { spec: parts.spec } : {}),
    ...(parts.status ? { status: parts.status } : {}),
  };
}

/** What the registry stores: the written object with server metadata and its managedFields. */
export function stored(written: KubeObject, managedFields: KubeObject['metadata']['managedFields']): KubeObject {
  return {
    ...structuredClone(written),
    metadata: { ...structuredClone(written.metadata), uid: 'u-1', resourceVersion: '7', managedFields },
  };
}
