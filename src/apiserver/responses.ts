// Writing answers: objects in the negotiated format, and errors always as a Status object.
import type { ServerResponse } from 'node:http';
import type { Status } from '../apis/meta.ts';
import { contentTypeFor, serialize } from './negotiation.ts';

/** Every API answer is private to the user who asked (k8s.io/apiserver's cachecontrol filter). */
export const CACHE_CONTROL = 'no-cache, private';

export function writeObject(
  res: ServerResponse,
  statusCode: number,
  body: unknown,
  format: 'json' | 'yaml' = 'json',
  extraHeaders: Record<string, string | string[]> = {},
): void {
  const payload = serialize(body, format);
  res.writeHead(statusCode, {
    'Content-Type': contentTypeFor(format),
    'Content-Length': Buffer.byteLength(payload),
    ...extraHeaders,
  });
  res.end(res.req?.method === 'HEAD' ? undefined : payload);
}

export function writeStatus(res: ServerResponse, status: Status): void {
  if (res.headersSent) {
    // A stream already started (watch): nothing sensible can be added; end it.
    res.end();
    return;
  }
  const headers: Record<string, string> = { 'X-Content-Type-Options': 'nosniff' };
  const retryAfter = status.details?.retryAfterSeconds;
  if (retryAfter !== undefined && (status.code === 429 || status.code === 503 || status.code === 504)) {
    headers['Retry-After'] = String(retryAfter);
  }
  writeObject(res, status.code, status, 'json', headers);
}
