// Serves the OpenAPI documents built from the declarations. Never a redirect (the aggregator turns
// 3xx into 502): a stale `?hash=` gets the current document without immutable caching.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OpenAPIV2Document, OpenAPIV3Document } from '../apis/openapi/index.ts';
import { openAPIV3Hash } from '../apis/openapi/index.ts';
import { ifNoneMatchMatches, strongETag } from './etag.ts';
import { JSON_ONLY_ENDPOINT, negotiateOutput } from './negotiation.ts';
import { CACHE_CONTROL } from './responses.ts';

export interface OpenAPIDocuments {
  v2: OpenAPIV2Document;
  /** One v3 document per group-version, keyed `<group>/<version>`. */
  v3: ReadonlyMap<string, OpenAPIV3Document>;
}

interface Prepared {
  body: string;
  etag: string;
}

const ONE_YEAR_MS = 365 * 24 * 3600 * 1000;

export class OpenAPIServer {
  readonly #v2: Prepared;
  readonly #v3 = new Map<string, Prepared & { hash: string }>();
  readonly #v3Root: string;

  constructor(documents: OpenAPIDocuments) {
    const v2 = JSON.stringify(documents.v2);
    this.#v2 = { body: v2, etag: strongETag(v2) };
    const paths: Record<string, { serverRelativeURL: string }> = {};
    for (const [groupVersion, document] of documents.v3) {
      const hash = openAPIV3Hash(document);
      this.#v3.set(groupVersion, { body: JSON.stringify(document), hash, etag: `"${hash}"` });
      paths[`apis/${groupVersion}`] = { serverRelativeURL: `/openapi/v3/apis/${groupVersion}?hash=${hash}` };
    }
    this.#v3Root = JSON.stringify({ paths });
  }

  /** false when the path is not an OpenAPI path this server knows (the caller answers 404). */
  serve(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): boolean {
    if (path === '/openapi/v2') {
      negotiateOutput(req.headers.accept, JSON_ONLY_ENDPOINT);
      this.#write(req, res, this.#v2, { 'Cache-Control': CACHE_CONTROL });
      return true;
    }
    if (path === '/openapi/v3') {
      negotiateOutput(req.headers.accept, JSON_ONLY_ENDPOINT);
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': CACHE_CONTROL });
      res.end(this.#v3Root);
      return true;
    }
    const match = /^\/openapi\/v3\/apis\/([^/]+\/[^/]+)$/.exec(path);
    const document = match ? this.#v3.get(match[1]!) : undefined;
    if (!document) return false;
    negotiateOutput(req.headers.accept, JSON_ONLY_ENDPOINT);
    const current = query.get('hash') === document.hash;
    this.#write(
      req,
      res,
      document,
      current
        ? { 'Cache-Control': 'public, immutable', Expires: new Date(Date.now() + ONE_YEAR_MS).toUTCString() }
        : { 'Cache-Control': CACHE_CONTROL },
    );
    return true;
  }

  #write(req: IncomingMessage, res: ServerResponse, document: Prepared, headers: Record<string, string>): void {
    const common = { ...headers, ETag: document.etag, Vary: 'Accept' };
    if (ifNoneMatchMatches(req, document.etag)) {
      res.writeHead(304, common);
      res.end();
      return;
    }
    res.writeHead(200, { ...common, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(document.body) });
    res.end(req.method === 'HEAD' ? undefined : document.body);
  }
}
