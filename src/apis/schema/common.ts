// Schema fragments both kinds share: the object envelope, metav1.Condition and a few corev1 shapes.
import type { JSONSchemaProps } from '../declaration.ts';
import { array, dateTime, int64, intOrString, map, object, string } from './builders.ts';

/** The object envelope kube-apiserver publishes for every CRD-like kind. */
export function resourceSchema<const Spec extends JSONSchemaProps, const Status extends JSONSchemaProps>(
  description: string,
  spec: Spec,
  status: Status,
) {
  return object(
    description,
    {
      apiVersion: string(
        'APIVersion defines the versioned schema of this representation of an object. Servers convert ' +
          'recognized schemas to the latest internal value and may reject unrecognized values.',
      ),
      kind: string(
        'Kind is a string value representing the REST resource this object represents, in CamelCase. ' +
          'Servers infer it from the endpoint the client submits requests to.',
      ),
      // Validated by the registry against ObjectMeta rules; OpenAPI replaces it with a $ref.
      metadata: { type: 'object' },
      spec,
      status,
    },
    { required: ['spec'] },
  );
}

/** metav1.Condition, as a list keyed by `type` (server-side apply merges entries by type). */
export function conditions(description: string) {
  return array(
    description,
    object(
      'Condition contains details for one aspect of the current state of this API Resource.',
      {
        lastTransitionTime: dateTime(
          'lastTransitionTime is the last time the condition transitioned from one status to another.',
        ),
        message: string('message is a human readable message indicating details about the transition.', {
          maxLength: 32768,
        }),
        observedGeneration: int64(
          'observedGeneration is the .metadata.generation that the condition was set based upon.',
          { minimum: 0 },
        ),
        reason: string(
          'reason contains a programmatic identifier indicating the reason for the condition\'s last transition.',
          { maxLength: 1024, minLength: 1, pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$' },
        ),
        status: string('status of the condition, one of True, False, Unknown.', {
          enum: ['True', 'False', 'Unknown'],
        }),
        type: string('type of condition in CamelCase or in foo.example.com/CamelCase.', {
          maxLength: 316,
          pattern:
            '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$',
        }),
      },
      { required: ['lastTransitionTime', 'message', 'reason', 'status', 'type'] },
    ),
    { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] },
  );
}

/** Labels and annotations added to a generated object (Kamaji's AdditionalMetadata). */
export function additionalMetadata(description: string) {
  return object(description, {
    annotations: map('Annotations added to the generated object.', string('')),
    labels: map('Labels added to the generated object.', string('')),
  });
}

/** corev1.ResourceRequirements: small enough to spell out, and quantities are int-or-string. */
export function resourceRequirements(description: string) {
  const quantity = intOrString('A resource quantity such as `500m` or `1Gi`.', {
    pattern:
      '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$',
  });
  return object(description, {
    claims: array(
      'Claims lists the names of resources, defined in spec.resourceClaims, that are used by this container.',
      object(
        'ResourceClaim references one entry in PodSpec.ResourceClaims.',
        {
          name: string('Name must match the name of one entry in pod.spec.resourceClaims.'),
          request: string('Request is the name chosen for a request in the referenced claim.'),
        },
        { required: ['name'] },
      ),
      { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] },
    ),
    limits: map('Limits describes the maximum amount of compute resources allowed.', quantity),
    requests: map('Requests describes the minimum amount of compute resources required.', quantity),
  });
}
