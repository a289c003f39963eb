// What a request is about, in the exact terms authorization and metrics use. Mirrors
// k8s.io/apiserver's RequestInfoFactory.NewRequestInfo, because SubjectAccessReview attributes and
// RBAC rules written for kube-apiserver must mean the same thing here.

export interface ResourceRequestInfo {
  isResourceRequest: true;
  path: string;
  /** get, list, watch, create, update, patch, delete, deletecollection. */
  verb: string;
  apiGroup: string;
  apiVersion: string;
  /** '' for cluster-scoped requests and for all-namespaces lists/watches. */
  namespace: string;
  resource: string;
  subresource: string;
  /** '' for collections; for list/watch set from `fieldSelector=metadata.name=X`. */
  name: string;
  /** resource, name, subresource as they appear in the path (after the namespace). */
  parts: string[];
  /** The request came through the deprecated `/apis/<g>/<v>/watch/` prefix. */
  watchPrefix: boolean;
}

export interface NonResourceRequestInfo {
  isResourceRequest: false;
  path: string;
  /** The lower-cased HTTP method. */
  verb: string;
}

export type RequestInfo = ResourceRequestInfo | NonResourceRequestInfo;

const METHOD_VERBS: Record<string, string> = {
  GET: 'get',
  HEAD: 'get',
  POST: 'create',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

/** `?watch=` counts as true for anything but `false` and `0`, as ParameterCodec decodes it. */
export function isWatchParam(value: string | null): boolean {
  if (value === null) return false;
  const lower = value.toLowerCase();
  return lower !== 'false' && lower !== '0';
}

export function requestInfoFor(method: string, path: string, query: URLSearchParams): RequestInfo {
  const nonResource: NonResourceRequestInfo = { isResourceRequest: false, path, verb: method.toLowerCase() };
  const segments = path.replace(/^\/+|\/+$/g, '').split('/');
  // Only the /apis prefix is ours; the legacy /api group is kube-apiserver's.
  if (segments[0] !== 'apis' || segments.length < 4) return nonResource;

  const [, apiGroup, apiVersion] = segments as [string, string, string];
  let parts = segments.slice(3);
  let verb = METHOD_VERBS[method.toUpperCase()] ?? '';
  let watchPrefix = false;
  if (parts[0] === 'watch') {
    if (parts.length < 2) return nonResource;
    verb = 'watch';
    watchPrefix = true;
    parts = parts.slice(1);
  }

  let namespace = '';
  if (parts[0] === 'namespaces' && parts.length > 1) {
    namespace = parts[1]!;
    // `namespaces/<ns>/status` and `/finalize` are subresources of the namespace itself.
    if (parts.length > 2 && parts[2] !== 'status' && parts[2] !== 'finalize') parts = parts.slice(2);
  }

  const resource = parts[0] ?? '';
  let name = parts[1] ?? '';
  const subresource = parts[2] ?? '';

  if (name === '' && verb === 'get') {
    verb = isWatchParam(query.get('watch')) ? 'watch' : 'list';
    const selected = exactNameFromFieldSelector(query.get('fieldSelector'));
    if (selected !== undefined && isValidPathSegmentName(selected)) name = selected;
  }
  if (name === '' && verb === 'delete') verb = 'deletecollection';

  return {
    isResourceRequest: true,
    path,
    verb,
    apiGroup,
    apiVersion,
    namespace,
    resource,
    subresource,
    name,
    parts,
    watchPrefix,
  };
}

/**
 * The value of `metadata.name=X` (or `==`) in a field selector, as fields.Selector.RequiresExactMatch
 * finds it. Backslash escapes (`\,`, `\=`, `\\`) are undone.
 */
export function exactNameFromFieldSelector(selector: string | null): string | undefined {
  if (!selector) return undefined;
  for (const term of splitUnescaped(selector, ',')) {
    const match = /^\s*metadata\.name\s*(==|=)(.*)$/.exec(term);
    if (match && !match[2]!.startsWith('=')) return unescapeSelectorValue(match[2]!.trim());
  }
  return undefined;
}

function splitUnescaped(text: string, separator: string): string[] {
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\' && i + 1 < text.length) {
      current += ch + text[i + 1];
      i++;
    } else if (ch === separator) {
      out.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  out.push(current);
  return out;
}

function unescapeSelectorValue(value: string): string {
  return value.replace(/\\(.)/g, '$1');
}

/** path.IsValidPathSegmentName: not `.`/`..`, no `/` or `%`. */
export function isValidPathSegmentName(name: string): boolean {
  return name !== '.' && name !== '..' && !name.includes('/') && !name.includes('%');
}
