// JSON patch (RFC 6902) and JSON merge patch (RFC 7386) applied to the current object, with
// kube-apiserver's answers (handlers/patch.go): an unreadable patch is 400, more than 10000
// operations 413, an operation that cannot apply (failed test, missing path) 422.
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import type { JsonValue } from '../apis/meta.ts';
import { ApiError, badRequest, requestEntityTooLarge } from './errors.ts';

export const MAX_JSON_PATCH_OPERATIONS = 10_000;

function isObject(value: unknown): value is Record<string, JsonValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    throw badRequest(`error decoding patch: ${(error as Error).message}`);
  }
}

/** 422 Invalid without causes, as kube answers a patch that does not apply, but saying why. */
function patchDoesNotApply(detail: string): ApiError {
  return new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: ${detail}`);
}

export function applyJsonPatch(document: JsonValue, patchText: string): JsonValue {
  const operations = parseJson(patchText);
  if (!Array.isArray(operations)) {
    throw badRequest('error decoding patch: json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  }
  if (operations.some((op) => !isObject(op))) {
    throw badRequest('error decoding patch: every JSON patch operation must be an object');
  }
  if (operations.length > MAX_JSON_PATCH_OPERATIONS) {
    throw requestEntityTooLarge(
      `The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${operations.length}`,
    );
  }
  try {
    return fastJsonPatch.applyPatch(structuredClone(document), operations as unknown as Operation[], true, true, true)
      .newDocument;
  } catch (error) {
    if (error instanceof fastJsonPatch.JsonPatchError) {
      const op = error.operation as { op?: string; path?: string } | undefined;
      const where = op ? ` (operation ${error.index ?? 0}: ${op.op ?? '?'} ${op.path ?? ''})` : '';
      throw patchDoesNotApply(`${error.message.split('\n')[0]}${where}`);
    }
    throw patchDoesNotApply((error as Error).message);
  }
}

/** RFC 7386: null deletes, objects merge recursively, everything else replaces. */
export function mergePatch(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isObject(patch)) return structuredClone(patch);
  const result: Record<string, JsonValue> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

export function applyMergePatch(document: JsonValue, patchText: string): JsonValue {
  const patch = parseJson(patchText);
  if (!isObject(patch)) throw badRequest('error decoding patch: a merge patch must be a JSON object');
  return mergePatch(document, patch);
}
