// Reads a request body up to kube-apiserver's limit, answering 413 beyond it.
import type { IncomingMessage } from 'node:http';
import { requestEntityTooLarge } from '../registry/errors.ts';

/** kube-apiserver's --max-request-bytes default for JSON bodies. */
export const MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024;

function tooLarge(limit: number) {
  return requestEntityTooLarge(`Request entity too large: limit is ${limit}`);
}

export async function readBody(req: IncomingMessage, limit = MAX_REQUEST_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw tooLarge(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      req.resume();
      throw tooLarge(limit);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
