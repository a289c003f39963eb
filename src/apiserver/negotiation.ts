// Content negotiation: which representation the client gets (Accept) and how its body is read
// (Content-Type). Follows k8s.io/apiserver's negotiation package: q-values order the clauses, the
// first clause this endpoint can serve wins, `as=Table`/`as=PartialObjectMetadata[List]` select
// the meta.k8s.io transformations, and nothing acceptable means 406.
import { parseAllDocuments, stringify as stringifyYaml } from 'yaml';
import type { JsonValue } from '../apis/meta.ts';
import type { PatchType } from '../registry/store.ts';
import { badRequest, notAcceptable, requestEntityTooLarge, unsupportedMediaType } from '../registry/errors.ts';

export interface MediaRange {
  type: string;
  subtype: string;
  params: Record<string, string>;
  q: number;
}

export type Transform = 'Table' | 'PartialObjectMetadata' | 'PartialObjectMetadataList';

export interface OutputMediaType {
  format: 'json' | 'yaml';
  /** undefined: the object as stored. */
  transform?: Transform;
  /** meta.k8s.io version the client asked the transformed object in. */
  transformVersion?: 'v1' | 'v1beta1';
}

/** What an endpoint can produce. */
export interface Producible {
  yaml: boolean;
  transforms: readonly Transform[];
}

export const OBJECT_ENDPOINT: Producible = { yaml: true, transforms: ['Table', 'PartialObjectMetadata'] };
export const LIST_ENDPOINT: Producible = { yaml: true, transforms: ['Table', 'PartialObjectMetadataList'] };
/** Watch streams are JSON only: YAML has no framing for a stream. */
export const WATCH_ENDPOINT: Producible = { yaml: false, transforms: ['Table', 'PartialObjectMetadata'] };
/** Custom subresources (kubeconfig, join): their own object or a Table of it. */
export const SUBRESOURCE_ENDPOINT: Producible = { yaml: true, transforms: ['Table'] };
export const PLAIN_ENDPOINT: Producible = { yaml: true, transforms: [] };
export const JSON_ONLY_ENDPOINT: Producible = { yaml: false, transforms: [] };

export const JSON_MEDIA_TYPE = 'application/json';
export const YAML_MEDIA_TYPE = 'application/yaml';

/** Splits an Accept header into media ranges, highest q first (ties keep the client's order). */
export function parseAccept(header: string | undefined): MediaRange[] {
  if (!header || header.trim() === '') return [];
  const ranges: MediaRange[] = [];
  for (const clause of header.split(',')) {
    const [mediaType, ...rawParams] = clause.split(';').map((s) => s.trim());
    if (!mediaType) continue;
    const slash = mediaType.indexOf('/');
    if (slash <= 0 || slash === mediaType.length - 1) continue;
    const params: Record<string, string> = {};
    let q = 1;
    for (const raw of rawParams) {
      const eq = raw.indexOf('=');
      if (eq <= 0) continue;
      const key = raw.slice(0, eq).trim().toLowerCase();
      const value = raw.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
      if (key === 'q') {
        const parsed = Number(value);
        q = Number.isFinite(parsed) ? Math.min(Math.max(parsed, 0), 1) : 0;
      } else {
        params[key] = value;
      }
    }
    ranges.push({ type: mediaType.slice(0, slash).toLowerCase(), subtype: mediaType.slice(slash + 1).toLowerCase(), params, q });
  }
  return ranges
    .map((range, index) => ({ range, index }))
    .sort((a, b) => b.range.q - a.range.q || a.index - b.index)
    .map(({ range }) => range);
}

/** Parameters that do not change the representation (kube ignores `pretty`; `stream=watch` marks a watch). */
const NEUTRAL_PARAMS = new Set(['pretty', 'stream', 'charset']);

function matchRange(range: MediaRange, producible: Producible): OutputMediaType | undefined {
  if (range.q <= 0) return undefined;
  let format: 'json' | 'yaml';
  if (range.type === '*' && range.subtype === '*') format = 'json';
  else if (range.type !== 'application') return undefined;
  else if (range.subtype === '*' || range.subtype === 'json') format = 'json';
  else if (range.subtype === 'yaml' && producible.yaml) format = 'yaml';
  else return undefined;

  const { as, g, v, ...rest } = range.params;
  if (Object.keys(rest).some((key) => !NEUTRAL_PARAMS.has(key))) return undefined;
  if (as === undefined && g === undefined && v === undefined) return { format };
  // A conversion is asked for: only meta.k8s.io v1/v1beta1 Table and PartialObjectMetadata[List].
  if (g !== 'meta.k8s.io' || (v !== 'v1' && v !== 'v1beta1')) return undefined;
  if (!producible.transforms.includes(as as Transform)) return undefined;
  return { format, transform: as as Transform, transformVersion: v };
}

/** The representation to answer with, or 406 NotAcceptable listing what this endpoint serves. */
export function negotiateOutput(accept: string | undefined, producible: Producible): OutputMediaType {
  const ranges = parseAccept(accept);
  if (ranges.length === 0) return { format: 'json' };
  for (const range of ranges) {
    const chosen = matchRange(range, producible);
    if (chosen) return chosen;
  }
  throw notAcceptableFor(producible);
}

/** 406 NotAcceptable listing the media types this endpoint serves. */
export function notAcceptableFor(producible: Producible) {
  const supported = producible.yaml ? [JSON_MEDIA_TYPE, YAML_MEDIA_TYPE] : [JSON_MEDIA_TYPE];
  return notAcceptable(`only the following media types are accepted: ${supported.join(', ')}`);
}

/** Whether a clause of Accept asks exactly for this media type with these parameters (order-insensitive). */
export function acceptsExactly(accept: string | undefined, type: string, params: Record<string, string>): boolean {
  const [t, s] = type.split('/');
  return parseAccept(accept).some(
    (range) =>
      range.q > 0 &&
      range.type === t &&
      range.subtype === s &&
      Object.entries(params).every(([key, value]) => range.params[key] === value),
  );
}

export function serialize(value: unknown, format: 'json' | 'yaml', pretty = false): string {
  if (format === 'yaml') return stringifyYaml(value);
  return pretty ? `${JSON.stringify(value, null, 2)}\n` : `${JSON.stringify(value)}\n`;
}

export function contentTypeFor(format: 'json' | 'yaml'): string {
  return format === 'yaml' ? YAML_MEDIA_TYPE : JSON_MEDIA_TYPE;
}

function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

function parseJson(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    throw badRequest(`the body of the request could not be decoded as JSON: ${(error as Error).message}`);
  }
}

/**
 * A YAML body. JSON is YAML too, and JSON.parse reads it far faster than the YAML parser (which
 * cost ~0.13 ms an apply), so a body that looks like a JSON object is read as JSON first; the YAML
 * parser decides anything else, and a JSON object with a syntax error, so its message is YAML's.
 * (One difference: a JSON object naming a key twice takes the last value, as application/json
 * bodies and kube's non-strict decoding do, where the YAML parser refuses it.)
 */
function parseYamlOrJson(text: string): { value: JsonValue; json: boolean } {
  if (JSON_OBJECT_START.test(text)) {
    try {
      return { value: JSON.parse(text) as JsonValue, json: true };
    } catch {
      // Flow-style YAML, or a malformed body: the YAML parser decides.
    }
  }
  return { value: parseYaml(text), json: false };
}

const JSON_OBJECT_START = /^\s*\{/;

function parseYaml(text: string): JsonValue {
  const documents = parseAllDocuments(text);
  if (!Array.isArray(documents) || documents.length !== 1) {
    throw badRequest('the body of the request must be exactly one YAML document');
  }
  const [document] = documents;
  if (document!.errors.length > 0) {
    throw badRequest(`the body of the request could not be decoded as YAML: ${document!.errors[0]!.message}`);
  }
  return document!.toJS() as JsonValue;
}

const BODY_MEDIA_TYPES = [JSON_MEDIA_TYPE, YAML_MEDIA_TYPE];

/** A POST/PUT body: JSON (the default when no Content-Type is sent) or YAML. */
export function decodeObjectBody(contentType: string | undefined, body: Buffer): JsonValue {
  const mediaType = mediaTypeOf(contentType) || JSON_MEDIA_TYPE;
  if (mediaType === JSON_MEDIA_TYPE) return parseJson(body.toString('utf8'));
  if (mediaType === YAML_MEDIA_TYPE) return parseYamlOrJson(body.toString('utf8')).value;
  throw unsupportedMediaType(mediaType, BODY_MEDIA_TYPES);
}

const MAX_JSON_PATCH_OPERATIONS = 10_000;

const PATCH_MEDIA_TYPES: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/apply-patch+yaml': 'apply',
};

/**
 * A PATCH body: its patch type and the patch as JSON text. Server-side apply bodies arrive as YAML
 * (JSON is YAML too) and are handed on as JSON. Strategic merge patch is not served for custom
 * kinds (415), just as for CRDs.
 */
export function decodePatchBody(contentType: string | undefined, body: Buffer): { type: PatchType; patch: string } {
  const mediaType = mediaTypeOf(contentType);
  const type = PATCH_MEDIA_TYPES[mediaType];
  if (!type) throw unsupportedMediaType(mediaType, Object.keys(PATCH_MEDIA_TYPES));
  const text = body.toString('utf8');
  if (type === 'apply') {
    // A JSON body is handed on as it came, the YAML parser's result as JSON.
    const { value, json } = parseYamlOrJson(text);
    return { type, patch: json ? text : JSON.stringify(value) };
  }
  const parsed = parseJson(text);
  if (type === 'json' && !Array.isArray(parsed)) {
    throw badRequest('the body of a JSON patch must be a JSON array of operations');
  }
  if (type === 'json' && (parsed as JsonValue[]).length > MAX_JSON_PATCH_OPERATIONS) {
    throw requestEntityTooLarge(
      `The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${(parsed as JsonValue[]).length}`,
    );
  }
  if (type === 'merge' && (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))) {
    throw badRequest('the body of a merge patch must be a JSON object');
  }
  return { type, patch: text };
}
