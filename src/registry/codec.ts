// Objects as stored: JSON bytes without `metadata.resourceVersion`. The resourceVersion is the
// storage revision of the write, set on every read, so all replicas report the same one.
import type { KubeObject } from '../apis/meta.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeObject(object: KubeObject): Uint8Array {
  const { resourceVersion: _dropped, ...metadata } = object.metadata;
  return encoder.encode(JSON.stringify({ ...object, metadata }));
}

export function decodeObject<T extends KubeObject>(bytes: Uint8Array, revision: number): T {
  const object = JSON.parse(decoder.decode(bytes)) as T;
  object.metadata.resourceVersion = String(revision);
  return object;
}
