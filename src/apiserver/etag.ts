// Strong ETags for documents that only change with the server's code (discovery, OpenAPI): clients
// revalidate with If-None-Match and get 304 while nothing changed.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Quoted upper-case hex SHA-512 of the body, as k8s.io/apiserver computes discovery ETags. */
export function strongETag(body: string): string {
  return `"${createHash('sha512').update(body).digest('hex').toUpperCase()}"`;
}

export function ifNoneMatchMatches(req: IncomingMessage, etag: string): boolean {
  const header = req.headers['if-none-match'];
  if (!header) return false;
  return header.split(',').some((candidate) => {
    const trimmed = candidate.trim();
    return trimmed === '*' || trimmed === etag || trimmed === `W/${etag}`;
  });
}
