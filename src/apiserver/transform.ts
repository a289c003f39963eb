// The meta.k8s.io representations a client can ask for instead of the object itself: Table (kubectl
// get) and PartialObjectMetadata[List] (metadata informers of the garbage collector, namespace and
// quota controllers). The conversions live in the registry; this picks one per response or event.
import type { PrinterColumn } from '../apis/declaration.ts';
import type { KubeList, KubeObject } from '../apis/meta.ts';
import type { WatchEvent } from '../registry/store.ts';
import { toPartialObjectMetadata, toPartialObjectMetadataList, toTable, type TableIncludeObject } from '../registry/table.ts';
import type { OutputMediaType } from './negotiation.ts';

export interface Representation {
  output: OutputMediaType;
  /** The Table's columns: the kind's, or a custom subresource's (kubeconfig, join). */
  columns: readonly PrinterColumn[];
  includeObject: TableIncludeObject;
}

/** meta.k8s.io/v1beta1 when the client asked for that version. */
function inVersion<T>(value: T, output: OutputMediaType): T {
  if (output.transformVersion !== 'v1beta1') return value;
  return { ...(value as object), apiVersion: 'meta.k8s.io/v1beta1' } as T;
}

/** A Table of one object carries that object's resourceVersion, as kube's table convertor does. */
function singleObjectListMeta(object: KubeObject): { resourceVersion?: string } {
  const resourceVersion = object.metadata?.resourceVersion;
  return resourceVersion ? { resourceVersion } : {};
}

export function representObject(object: KubeObject, r: Representation): unknown {
  switch (r.output.transform) {
    case 'Table':
      return inVersion(toTable(r.columns, [object], { includeObject: r.includeObject, listMeta: singleObjectListMeta(object) }), r.output);
    case 'PartialObjectMetadata':
      return inVersion(toPartialObjectMetadata(object), r.output);
    default:
      return object;
  }
}

export function representList(list: KubeList, r: Representation): unknown {
  switch (r.output.transform) {
    case 'Table':
      return inVersion(toTable(r.columns, list.items, { includeObject: r.includeObject, listMeta: list.metadata }), r.output);
    case 'PartialObjectMetadataList':
      return inVersion(toPartialObjectMetadataList(list), r.output);
    default:
      return list;
  }
}

/** Encodes a watch event's object in the negotiated form. */
export interface WatchEventEncoder {
  (event: WatchEvent): unknown;
  /**
   * Set when the encoding depends on the event alone, so watchers encoding alike can share one
   * frame per event: 'object' when the object goes as is, else the representation's name. Unset
   * when the encoder keeps state (a Table's column definitions go only in its first frame).
   */
  readonly sharedAs?: string;
}

/**
 * Encodes watch events: Tables carry columnDefinitions only in the first one (kube's
 * watchEmbeddedEncoder), ERROR events stay Status objects, bookmarks keep only their metadata.
 */
export function watchEventEncoder(r: Representation): WatchEventEncoder {
  const { transform } = r.output;
  if (!transform) return Object.assign((event: WatchEvent) => event.object, { sharedAs: 'object' });
  if (transform !== 'Table') {
    const encode = (event: WatchEvent) => (event.type === 'ERROR' ? event.object : inVersion(toPartialObjectMetadata(event.object as KubeObject), r.output));
    return Object.assign(encode, { sharedAs: `${transform};v=${r.output.transformVersion ?? 'v1'}` });
  }
  let headersSent = false;
  return (event) => {
    if (event.type === 'ERROR') return event.object;
    const object = event.object as KubeObject;
    if (event.type === 'BOOKMARK') {
      return inVersion(
        { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: object.metadata.resourceVersion }, columnDefinitions: [], rows: [] },
        r.output,
      );
    }
    const table = toTable(r.columns, [object], { includeObject: r.includeObject, listMeta: singleObjectListMeta(object), noHeaders: headersSent });
    headersSent = true;
    return inVersion(table, r.output);
  };
}
