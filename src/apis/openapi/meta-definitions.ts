// The apimachinery meta/v1 types our documents reference, under their upstream definition names
// and with their upstream structure (property names, types, formats, list/map extensions), so
// kubectl and the aggregator treat them as the types they know. Descriptions are our own words.
import { group, version } from '../group.ts';
import { gvkExtension, ref, type OpenAPISchema } from './schema-object.ts';

const metaV1 = 'io.k8s.apimachinery.pkg.apis.meta.v1';
export const metaNames = {
  condition: `${metaV1}.Condition`,
  deleteOptions: `${metaV1}.DeleteOptions`,
  fieldsV1: `${metaV1}.FieldsV1`,
  listMeta: `${metaV1}.ListMeta`,
  managedFieldsEntry: `${metaV1}.ManagedFieldsEntry`,
  objectMeta: `${metaV1}.ObjectMeta`,
  ownerReference: `${metaV1}.OwnerReference`,
  patch: `${metaV1}.Patch`,
  preconditions: `${metaV1}.Preconditions`,
  status: `${metaV1}.Status`,
  statusCause: `${metaV1}.StatusCause`,
  statusDetails: `${metaV1}.StatusDetails`,
  time: `${metaV1}.Time`,
  watchEvent: `${metaV1}.WatchEvent`,
  rawExtension: 'io.k8s.apimachinery.pkg.runtime.RawExtension',
} as const;

const str = (description: string): OpenAPISchema => ({ type: 'string', description });
/** Upstream gives required string fields an empty-string default. */
const requiredStr = (description: string): OpenAPISchema => ({ type: 'string', description, default: '' });
const int64 = (description: string): OpenAPISchema => ({ type: 'integer', format: 'int64', description });
const int32 = (description: string): OpenAPISchema => ({ type: 'integer', format: 'int32', description });
const bool = (description: string): OpenAPISchema => ({ type: 'boolean', description });
const described = (schema: OpenAPISchema, description: string): OpenAPISchema => ({ ...schema, description });
const stringMap = (description: string): OpenAPISchema => ({
  type: 'object',
  description,
  additionalProperties: { type: 'string', default: '' },
});

const apiVersionProperty = str('The versioned schema of this representation of an object.');
const kindProperty = str('The REST resource this object represents, in CamelCase.');

/** Kinds every group-version serves these option and event types under. */
const perGroupVersion = (kind: string) =>
  gvkExtension({ group: '', kind, version: 'v1' }, { group, kind, version });

export const metaDefinitions: Record<string, OpenAPISchema> = {
  [metaNames.condition]: {
    type: 'object',
    description: 'Condition contains details for one aspect of the current state of an API resource.',
    required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'],
    properties: {
      lastTransitionTime: { ...described(ref(metaNames.time), 'When the condition last changed from one status to another.'), default: {} },
      message: requiredStr('Human readable details about the transition.'),
      observedGeneration: int64('The .metadata.generation the condition was set for.'),
      reason: requiredStr('Programmatic identifier, in CamelCase, of the reason for the last transition.'),
      status: requiredStr('Status of the condition: True, False or Unknown.'),
      type: requiredStr('Type of the condition, in CamelCase or foo.example.com/CamelCase.'),
    },
  },
  [metaNames.deleteOptions]: {
    type: 'object',
    description: 'DeleteOptions may be provided when deleting an API object.',
    properties: {
      apiVersion: apiVersionProperty,
      dryRun: {
        type: 'array',
        description: 'When present, modifications are not persisted. The only valid value is All.',
        items: { type: 'string', default: '' },
        'x-kubernetes-list-type': 'atomic',
      },
      gracePeriodSeconds: int64('Seconds before the object is deleted; 0 deletes immediately.'),
      ignoreStoreReadErrorWithClusterBreakingPotential: bool(
        'Deletes an object whose stored data cannot be read (decoding or decryption failure). Dangerous.',
      ),
      kind: kindProperty,
      orphanDependents: bool('Deprecated: use propagationPolicy. Whether dependents are orphaned.'),
      preconditions: described(ref(metaNames.preconditions), 'Must be fulfilled before the deletion proceeds.'),
      propagationPolicy: str('Whether and how garbage collection runs: Orphan, Background or Foreground.'),
    },
    ...perGroupVersion('DeleteOptions'),
  },
  [metaNames.fieldsV1]: {
    type: 'object',
    description: 'FieldsV1 stores a set of fields in a trie-like JSON structure (managedFields).',
  },
  [metaNames.listMeta]: {
    type: 'object',
    description: 'ListMeta describes metadata that synthetic resources (lists) have.',
    properties: {
      continue: str('Token to retrieve the next page of a limited list; empty when there are no more items.'),
      remainingItemCount: int64('Number of items after this page, when the server can count them.'),
      resourceVersion: str('Version of the list, for watching from it. Opaque to clients.'),
      selfLink: str('Deprecated: not set.'),
    },
  },
  [metaNames.managedFieldsEntry]: {
    type: 'object',
    description: 'ManagedFieldsEntry names a workflow (manager) and the set of fields it owns.',
    properties: {
      apiVersion: str('Version of the resource the fields set applies to.'),
      fieldsType: str('Format of the fields set; the only one is FieldsV1.'),
      fieldsV1: described(ref(metaNames.fieldsV1), 'The set of fields, in FieldsV1 format.'),
      manager: str('Identifier of the workflow managing these fields.'),
      operation: str('Operation type that created the entry: Apply or Update.'),
      subresource: str('Subresource used to update the object; empty for the main resource.'),
      time: described(ref(metaNames.time), 'When the fields were last changed by this manager.'),
    },
  },
  [metaNames.objectMeta]: {
    type: 'object',
    description: 'ObjectMeta is metadata that all persisted resources must have.',
    properties: {
      annotations: stringMap('Unstructured key/value data stored with the object.'),
      creationTimestamp: described(ref(metaNames.time), 'When the object was created. Set by the server.'),
      deletionGracePeriodSeconds: int64('Seconds allowed for graceful termination before removal.'),
      deletionTimestamp: described(ref(metaNames.time), 'When the object will be deleted. Set by the server.'),
      finalizers: {
        type: 'array',
        description: 'Must be empty before the object is deleted from the registry.',
        items: { type: 'string', default: '' },
        'x-kubernetes-list-type': 'set',
        'x-kubernetes-patch-strategy': 'merge',
      },
      generateName: str('Prefix the server uses to generate a unique name when name is empty.'),
      generation: int64('Sequence number of the desired state. Set by the server.'),
      labels: stringMap('Key/value pairs to organize and select objects.'),
      managedFields: {
        type: 'array',
        description: 'Which workflow manages which fields. Internal to the server.',
        items: { ...ref(metaNames.managedFieldsEntry), default: {} },
        'x-kubernetes-list-type': 'atomic',
      },
      name: str('Name, unique within a namespace. Cannot be updated.'),
      namespace: str('Namespace of the object. Cannot be updated.'),
      ownerReferences: {
        type: 'array',
        description: 'Objects this object depends on; it is garbage collected when they are all deleted.',
        items: { ...ref(metaNames.ownerReference), default: {} },
        'x-kubernetes-list-map-keys': ['uid'],
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-patch-merge-key': 'uid',
        'x-kubernetes-patch-strategy': 'merge',
      },
      resourceVersion: str('Internal version of the object, for optimistic concurrency and watch. Opaque.'),
      selfLink: str('Deprecated: not set.'),
      uid: str('Unique identifier in time and space. Set by the server.'),
    },
  },
  [metaNames.ownerReference]: {
    type: 'object',
    description: 'OwnerReference identifies an owning object, in the same namespace or cluster-scoped.',
    required: ['apiVersion', 'kind', 'name', 'uid'],
    properties: {
      apiVersion: requiredStr('API version of the referent.'),
      blockOwnerDeletion: bool('When true, foreground deletion of the owner waits for this object.'),
      controller: bool('When true, this reference points to the managing controller.'),
      kind: requiredStr('Kind of the referent.'),
      name: requiredStr('Name of the referent.'),
      uid: requiredStr('UID of the referent.'),
    },
    'x-kubernetes-map-type': 'atomic',
  },
  [metaNames.patch]: {
    type: 'object',
    description: 'Patch names the body of a PATCH request (JSON patch, merge patch or apply configuration).',
  },
  [metaNames.preconditions]: {
    type: 'object',
    description: 'Preconditions must be fulfilled before an operation (update, delete) is carried out.',
    properties: {
      resourceVersion: str('Target resourceVersion.'),
      uid: str('Target UID.'),
    },
  },
  [metaNames.rawExtension]: {
    type: 'object',
    description: 'RawExtension holds an embedded object of any kind.',
  },
  [metaNames.status]: {
    type: 'object',
    description: 'Status is the result of operations that do not return another object.',
    properties: {
      apiVersion: apiVersionProperty,
      code: int32('Suggested HTTP return code; 0 if not set.'),
      details: {
        ...described(ref(metaNames.statusDetails), 'Extended data about the reason; depends on reason.'),
        'x-kubernetes-list-type': 'atomic',
      },
      kind: kindProperty,
      message: str('Human-readable description of the status.'),
      metadata: { ...described(ref(metaNames.listMeta), 'Standard list metadata.'), default: {} },
      reason: str('Machine-readable reason for a Failure status, in CamelCase.'),
      status: str('Success or Failure.'),
    },
    ...gvkExtension({ group: '', kind: 'Status', version: 'v1' }),
  },
  [metaNames.statusCause]: {
    type: 'object',
    description: 'StatusCause gives one cause of an error, with the field it concerns.',
    properties: {
      field: str('The field that caused the error, as a path such as spec.networkProfile.serviceCidrs[0].'),
      message: str('Human-readable description of the cause.'),
      reason: str('Machine-readable cause, e.g. FieldValueInvalid.'),
    },
  },
  [metaNames.statusDetails]: {
    type: 'object',
    description: 'StatusDetails is a set of additional properties a server may set in a Status.',
    properties: {
      causes: {
        type: 'array',
        description: 'Causes of the error, e.g. every invalid field.',
        items: { ...ref(metaNames.statusCause), default: {} },
        'x-kubernetes-list-type': 'atomic',
      },
      group: str('Group of the resource the status concerns.'),
      kind: str('Kind of the resource the status concerns.'),
      name: str('Name of the resource the status concerns.'),
      retryAfterSeconds: int32('Seconds the client should wait before retrying.'),
      uid: str('UID of the resource the status concerns.'),
    },
  },
  [metaNames.time]: {
    type: 'string',
    format: 'date-time',
    description: 'Time is an RFC 3339 timestamp in UTC, with second precision.',
  },
  [metaNames.watchEvent]: {
    type: 'object',
    description: 'Event represents a single event to a watched resource.',
    required: ['type', 'object'],
    properties: {
      object: {
        ...described(
          ref(metaNames.rawExtension),
          'The object: for ADDED and MODIFIED its new state, for DELETED its last state, for BOOKMARK ' +
            'only its resourceVersion, for ERROR a Status.',
        ),
        default: {},
      },
      type: requiredStr('ADDED, MODIFIED, DELETED, BOOKMARK or ERROR.'),
    },
    ...perGroupVersion('WatchEvent'),
  },
};
