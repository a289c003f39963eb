// OpenAPI v2 and v3 documents of tenancy.kamaji.io/v1alpha1, built from the declarations.
import { allDeclarations } from '../index.ts';
import { buildOpenAPIV2 as buildV2, type OpenAPIV2Document } from './v2.ts';
import { buildOpenAPIV3 as buildV3, type OpenAPIV3Document } from './v3.ts';

export { openAPIV3Hash, type OpenAPIV3Document } from './v3.ts';
export type { OpenAPIV2Document, KubernetesOperationExtensions } from './v2.ts';
export { stableJsonText } from './stable-json.ts';
export { patchMediaTypes } from './routes.ts';

/** GET /openapi/v2 of this server: only /apis/tenancy.kamaji.io/v1alpha1/... paths. */
export function buildOpenAPIV2(declarations = allDeclarations): OpenAPIV2Document {
  return buildV2(declarations);
}

/** GET /openapi/v3/apis/tenancy.kamaji.io/v1alpha1. */
export function buildOpenAPIV3(declarations = allDeclarations): OpenAPIV3Document {
  return buildV3(declarations);
}
