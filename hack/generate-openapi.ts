// Writes the OpenAPI documents generated from src/apis into api/openapi/, where they are committed
// (a unit test fails when they are stale). Run with `npm run generate:openapi`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildOpenAPIV2, buildOpenAPIV3, stableJsonText } from '../src/apis/openapi/index.ts';

export const openAPIFiles = {
  v2: 'api/openapi/v2.json',
  v3: 'api/openapi/v3/apis__tenancy.kamaji.io__v1alpha1.json',
} as const;

export function generatedOpenAPIFiles(): Record<string, string> {
  return {
    [openAPIFiles.v2]: stableJsonText(buildOpenAPIV2()),
    [openAPIFiles.v3]: stableJsonText(buildOpenAPIV3()),
  };
}

if (import.meta.main) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  for (const [file, text] of Object.entries(generatedOpenAPIFiles())) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
    console.log(`wrote ${file}`);
  }
}
