// Query parameters of each operation, as kube-apiserver derives them from metav1's option types
// (GetOptions, ListOptions, CreateOptions, UpdateOptions, PatchOptions, DeleteOptions).
// Version-neutral; v2.ts and v3.ts render them.

export interface QueryParameter {
  name: string;
  type: 'string' | 'boolean' | 'integer';
  description: string;
}

const q = (name: string, type: QueryParameter['type'], description: string): QueryParameter => ({ name, type, description });

export const pretty = q('pretty', 'string', "If 'true', the output is pretty printed.");

const dryRun = q('dryRun', 'string', 'When present, modifications are not persisted. The only valid value is All.');
const fieldManager = q('fieldManager', 'string', 'Name of the actor making the change, recorded in managedFields.');
const fieldValidation = q(
  'fieldValidation',
  'string',
  'How to treat unknown or duplicate fields in the body: Ignore drops them, Warn (the default) drops them ' +
    'and returns a warning for each, Strict fails the request.',
);
const resourceVersion = q('resourceVersion', 'string', 'Constrains which resource versions the request may be served from.');

const listOptions = [
  q('allowWatchBookmarks', 'boolean', 'Asks for BOOKMARK events in a watch. Ignored for lists.'),
  q('continue', 'string', 'Continue token of a previous limited list, to fetch the next page.'),
  q('fieldSelector', 'string', 'Restricts the objects by their fields, e.g. metadata.name=x.'),
  q('labelSelector', 'string', 'Restricts the objects by their labels.'),
  q('limit', 'integer', 'Maximum number of objects in a list response; a continue token marks more.'),
  resourceVersion,
  q('resourceVersionMatch', 'string', 'How resourceVersion applies to a list: Exact or NotOlderThan.'),
  q('sendInitialEvents', 'boolean', 'With watch=true, start with ADDED events for the current state, then a BOOKMARK.'),
  q('timeoutSeconds', 'integer', 'Timeout of the list or watch call.'),
  q('watch', 'boolean', 'Watch for changes and stream them as watch events.'),
];

const deleteOptions = [
  dryRun,
  q('gracePeriodSeconds', 'integer', 'Seconds before the object is deleted; 0 deletes immediately.'),
  q(
    'ignoreStoreReadErrorWithClusterBreakingPotential',
    'boolean',
    'Deletes an object whose stored data cannot be read. Dangerous.',
  ),
  q('orphanDependents', 'boolean', 'Deprecated: use propagationPolicy.'),
  q('propagationPolicy', 'string', 'Whether and how garbage collection runs: Orphan, Background or Foreground.'),
];

export type Action = 'get' | 'list' | 'post' | 'put' | 'patch' | 'delete' | 'deletecollection';

/** The query parameters an action accepts (besides `pretty`), sorted by name as kube publishes them. */
export function queryParametersFor(action: Action): QueryParameter[] {
  const byAction: Record<Action, QueryParameter[]> = {
    get: [resourceVersion],
    list: listOptions,
    post: [dryRun, fieldManager, fieldValidation],
    put: [dryRun, fieldManager, fieldValidation],
    patch: [dryRun, fieldManager, fieldValidation, q('force', 'boolean', 'Server-side apply: take ownership of conflicting fields. Must be unset for other patch types.')],
    delete: deleteOptions,
    deletecollection: [
      ...deleteOptions,
      ...listOptions.filter((p) => p.name !== 'watch' && p.name !== 'allowWatchBookmarks'),
    ],
  };
  return [...byAction[action]].sort((a, b) => a.name.localeCompare(b.name));
}
