// TypeScript types computed from a structural schema declared `as const` (see builders.ts), so
// each field is written once, in the schema, and the compiler follows it.
import type { JsonObject, JsonValue } from '../meta.ts';

type Flatten<T> = { [K in keyof T]: T[K] } & {};

type RequiredKeys<S> = S extends { required: readonly (infer R)[] } ? R & string : never;

type ObjectFrom<P, S> = Flatten<
  { [K in keyof P & RequiredKeys<S>]: FromSchema<P[K]> } & {
    [K in Exclude<keyof P, RequiredKeys<S>>]?: FromSchema<P[K]>;
  }
>;

/** The value type a schema node accepts. */
export type FromSchema<S> = S extends { 'x-kubernetes-int-or-string': true }
  ? number | string
  : S extends { enum: readonly (infer E)[] }
    ? E
    : S extends { type: 'string' }
      ? string
      : S extends { type: 'integer' | 'number' }
        ? number
        : S extends { type: 'boolean' }
          ? boolean
          : S extends { type: 'array'; items: infer I }
            ? FromSchema<I>[]
            : S extends { type: 'object'; properties: infer P }
              ? ObjectFrom<P, S>
              : S extends { type: 'object'; additionalProperties: infer V extends object }
                ? Record<string, FromSchema<V>>
                : S extends { type: 'object' }
                  ? JsonObject
                  : JsonValue;
