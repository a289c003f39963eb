// All definitions one document carries: our kinds and the meta/v1 (and, with a scale
// subresource, autoscaling/v1) types they use.
import type { ResourceDeclaration } from '../declaration.ts';
import { kindDefinitions } from './kinds.ts';
import { metaDefinitions } from './meta-definitions.ts';
import { scaleDefinitions } from './scale-definitions.ts';
import type { OpenAPISchema } from './schema-object.ts';

export function allDefinitions(declarations: readonly ResourceDeclaration[]): Record<string, OpenAPISchema> {
  const scale = declarations.some((d) => d.scaleSubresource) ? structuredClone(scaleDefinitions) : {};
  return Object.assign({}, structuredClone(metaDefinitions), scale, ...declarations.map(kindDefinitions));
}
