// autoscaling/v1 Scale, ScaleSpec and ScaleStatus under their upstream definition names and with
// their upstream structure, for the `scale` subresource: kubectl and the aggregator know the type.
// Descriptions are our own words.
import { scaleGroupVersionKind } from '../scale.ts';
import { metaNames } from './meta-definitions.ts';
import { gvkExtension, ref, type OpenAPISchema } from './schema-object.ts';

const autoscalingV1 = 'io.k8s.api.autoscaling.v1';
export const scaleNames = {
  scale: `${autoscalingV1}.Scale`,
  scaleSpec: `${autoscalingV1}.ScaleSpec`,
  scaleStatus: `${autoscalingV1}.ScaleStatus`,
} as const;

export const scaleDefinitions: Record<string, OpenAPISchema> = {
  [scaleNames.scale]: {
    type: 'object',
    description: 'Scale represents a scaling request for a resource.',
    properties: {
      apiVersion: { type: 'string', description: 'The versioned schema of this representation of an object.' },
      kind: { type: 'string', description: 'The REST resource this object represents, in CamelCase.' },
      metadata: { ...ref(metaNames.objectMeta), default: {}, description: 'Metadata of the scaled object: name, namespace, uid, resourceVersion, creationTimestamp.' },
      spec: { ...ref(scaleNames.scaleSpec), default: {}, description: 'The desired state: how many replicas.' },
      status: { ...ref(scaleNames.scaleStatus), default: {}, description: 'The observed state: how many replicas, and which pods they are. Read-only.' },
    },
    ...gvkExtension(scaleGroupVersionKind),
  },
  [scaleNames.scaleSpec]: {
    type: 'object',
    description: 'ScaleSpec describes the attributes of a scale subresource.',
    properties: {
      replicas: { type: 'integer', format: 'int32', description: 'Desired number of instances of the scaled object.' },
    },
  },
  [scaleNames.scaleStatus]: {
    type: 'object',
    description: 'ScaleStatus represents the current status of a scale subresource.',
    required: ['replicas'],
    properties: {
      replicas: { type: 'integer', format: 'int32', default: 0, description: 'Observed number of instances of the scaled object.' },
      selector: {
        type: 'string',
        description: 'Label query over the pods the replica count counts, in the string form of a label selector.',
      },
    },
  },
};
