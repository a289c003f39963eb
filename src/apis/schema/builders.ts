// Small constructors for structural schemas. They keep every literal (types, enums, required
// lists, nested properties) in the result type, so `FromSchema` can derive TypeScript types from
// the very object that validation, defaulting and OpenAPI read.
import type { JSONSchemaProps } from '../declaration.ts';

/** Everything a node may carry besides its type, description and children. */
export type SchemaExtras = Omit<JSONSchemaProps, 'type' | 'description' | 'properties' | 'items'>;

type Properties = Record<string, JSONSchemaProps>;

/** Item and map-value schemas often say nothing of their own: no empty description then. */
const describe = (description: string) => (description ? { description } : {});

export function string<const X extends SchemaExtras = {}>(description: string, extras?: X) {
  return { type: 'string', ...describe(description), ...extras } as { type: 'string'; description: string } & NoInfer<X>;
}

/** An int32 field, as Go's `int32`/`*int32` appear in Kubernetes schemas. */
export function int32<const X extends SchemaExtras = {}>(description: string, extras?: X) {
  return { type: 'integer', format: 'int32', ...describe(description), ...extras } as {
    type: 'integer';
    format: 'int32';
    description: string;
  } & NoInfer<X>;
}

export function int64<const X extends SchemaExtras = {}>(description: string, extras?: X) {
  return { type: 'integer', format: 'int64', ...describe(description), ...extras } as {
    type: 'integer';
    format: 'int64';
    description: string;
  } & NoInfer<X>;
}

export function boolean<const X extends SchemaExtras = {}>(description: string, extras?: X) {
  return { type: 'boolean', ...describe(description), ...extras } as { type: 'boolean'; description: string } & NoInfer<X>;
}

/** RFC 3339 timestamp (metav1.Time). */
export function dateTime(description: string) {
  return { type: 'string', format: 'date-time', description } as const;
}

/** intstr.IntOrString, spelled as kube-apiserver publishes it for CRDs. */
export function intOrString<const X extends SchemaExtras = {}>(description: string, extras?: X) {
  return {
    ...describe(description),
    anyOf: [{ type: 'integer' }, { type: 'string' }],
    'x-kubernetes-int-or-string': true,
    ...extras,
  } as { description: string; 'x-kubernetes-int-or-string': true } & NoInfer<X>;
}

export function object<const P extends Properties, const X extends SchemaExtras = {}>(
  description: string,
  properties: P,
  extras?: X,
) {
  return { type: 'object', ...describe(description), properties, ...extras } as {
    type: 'object';
    description: string;
    properties: P;
  } & NoInfer<X>;
}

export function array<const I extends JSONSchemaProps, const X extends SchemaExtras = {}>(
  description: string,
  items: I,
  extras?: X,
) {
  return { type: 'array', ...describe(description), items, ...extras } as {
    type: 'array';
    description: string;
    items: I;
  } & NoInfer<X>;
}

/** A map with free keys (labels, nodeSelector): `additionalProperties` gives the value schema. */
export function map<const V extends JSONSchemaProps>(description: string, values: V) {
  return { type: 'object', ...describe(description), additionalProperties: values } as {
    type: 'object';
    description: string;
    additionalProperties: V;
  };
}

/**
 * An upstream Kubernetes type embedded verbatim (corev1.Container, Affinity, ...) too large to
 * spell out here: kept as given, validated by the workload API when the controllers apply it.
 */
export function preserved(description: string) {
  return { type: 'object', description, 'x-kubernetes-preserve-unknown-fields': true } as const;
}
