// The shape of a resource declaration. Each kind is declared once (tenantcontrolplane.ts,
// datastore.ts) and everything else — TypeScript types, validation, defaulting, discovery,
// OpenAPI, Table columns, the registry strategy — is derived from that one object.
import type { FieldError, JsonValue, KubeObject } from './meta.ts';
import type { NameFormat } from './names.ts';

/** The subset of apiextensions.k8s.io/v1 JSONSchemaProps that structural schemas use. */
export interface JSONSchemaProps {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  description?: string;
  format?: string;
  properties?: Record<string, JSONSchemaProps>;
  additionalProperties?: JSONSchemaProps | boolean;
  items?: JSONSchemaProps;
  required?: readonly string[];
  enum?: readonly JsonValue[];
  default?: JsonValue;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  nullable?: boolean;
  anyOf?: readonly JSONSchemaProps[];
  allOf?: readonly JSONSchemaProps[];
  oneOf?: readonly JSONSchemaProps[];
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: readonly string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
}

/** One `kubectl get` column, as in a CRD's additionalPrinterColumns. */
export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: string;
  description: string;
  /** 0 = always shown; >0 = only with `-o wide`. */
  priority: number;
  /** Simple JSONPath such as `.spec.kubernetes.version`. */
  jsonPath: string;
}

/**
 * A subresource served by a handler other than the generic store (kubeconfig, join). The
 * declaration only names it for discovery and OpenAPI; main.ts wires its handler into the registry.
 */
export interface CustomSubresource {
  name: string;
  /** Kind of the object the subresource returns; discovery drops subresources without one. */
  kind: string;
  verbs: readonly ('get' | 'create')[];
  description: string;
  /**
   * Schema of the object the subresource returns (and, for create, reads), for OpenAPI. Without
   * one, OpenAPI publishes it as a free-form object of `kind`.
   */
  schema?: JSONSchemaProps;
}

/**
 * The `scale` subresource, as a CRD's `subresources.scale`: an autoscaling/v1 Scale whose
 * spec.replicas reads and writes the field at `specReplicasPath` (paths are dotted, `.spec.x.y`).
 */
export interface ScaleSubresource {
  /** Under `.spec`; GET of the Scale fails while the object has no value there. */
  specReplicasPath: string;
  /** Under `.status`; the Scale's status.replicas, 0 when unset. */
  statusReplicasPath: string;
  /** A string field holding a serialized label selector; the Scale's status.selector ('' when unset). */
  labelSelectorPath?: string;
}

/** What defaulting may depend on besides the object itself: server configuration. */
export interface DefaultingContext {
  /** `--default-datastore`: fills `spec.dataStore` of a TenantControlPlane that names none. */
  defaultDataStore?: string;
}

export interface ResourceDeclaration<T extends KubeObject = KubeObject> {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  shortNames: readonly string[];
  categories: readonly string[];
  scope: 'Namespaced' | 'Cluster';
  /** The syntax `metadata.name` must follow; a DNS-1035 label when the name becomes a Service's. */
  nameFormat: NameFormat;
  description: string;
  /** Structural schema of the whole object (apiVersion, kind, metadata, spec, status). */
  schema: JSONSchemaProps;
  printerColumns: readonly PrinterColumn[];
  /** Whether `/status` exists; when it does, main-resource writes ignore `.status` and vice versa. */
  statusSubresource: boolean;
  /** Whether `/scale` exists and which fields it maps; `kubectl scale` and autoscalers use it. */
  scaleSubresource?: ScaleSubresource;
  customSubresources: readonly CustomSubresource[];
  // The four typed rules below read objects through the schema-derived type `T`, which holds only
  // for objects that fit `schema`. The registry's write strategy guarantees that: it validates each
  // object against the schema itself (reporting any errors) and calls a rule only when every
  // object it is given fits, so a rule never checks types again and never validates the schema.
  // An object the schema rejects gets no computed defaults and no kind rules until it is fixed.
  /**
   * Defaults that a schema `default` cannot express (computed ones). Runs on create, after schema
   * defaults, after the registry has set uid/creationTimestamp; only when the object fits the schema.
   */
  defaultOnCreate(object: T, context: DefaultingContext): void;
  /**
   * Runs on every write of the main resource, after schema defaults, when both `object` and the
   * stored `old` fit the schema. Values computed once at creation that a write leaves out are kept
   * from `old`: a server-side apply drops the fields its manager stopped applying, which for these
   * would read as "unset" and be refused.
   */
  defaultOnUpdate(object: T, old: T): void;
  /**
   * Kind-specific rules beyond the schema, on an object that fits it. Also run on update when the
   * stored object no longer fits the schema (it was tightened since): the new object is then
   * checked on its own, as if created.
   */
  validateCreate(object: T): FieldError[];
  /** Immutability and transition rules (no version downgrade, etc.), when both objects fit the schema. */
  validateUpdate(object: T, old: T): FieldError[];
}
