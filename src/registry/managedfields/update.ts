// managedFields for writes that are not apply (create, update, patch): the writer takes the fields
// it set or changed from everyone else, and fields it removed leave every set.
import type { JSONSchemaProps } from '../../apis/declaration.ts';
import type { KubeObject, ManagedFieldsEntry } from '../../apis/meta.ts';
import { compare } from './compare.ts';
import { capUpdateManagers } from './cap-update-managers.ts';
import { decodeManagedFields, encodeManagedFields, withoutEmptyEntries, isResetRequest, sameManager, type ManagerFields } from './managers.ts';
import { trackedSchema, trackedView, withoutMetadataItself } from './tracked.ts';

export interface UpdateManagedFieldsArgs {
  live: KubeObject | undefined;
  updated: KubeObject;
  manager: string;
  subresource?: string;
  apiVersion: string;
  time: string;
  schema: JSONSchemaProps;
}

/**
 * The managedFields a request brings or inherits, as upstream decides: a subresource write keeps
 * the live ones; a main-resource write that sends its own (non-empty) list means them, `[{}]`
 * clears them; otherwise the live ones carry over.
 */
function startingManagers({ live, updated, subresource }: UpdateManagedFieldsArgs): ManagerFields[] {
  const liveManagers = decodeManagedFields(live?.metadata?.managedFields);
  if (subresource) return liveManagers;
  const requested = updated.metadata?.managedFields;
  if (isResetRequest(requested)) return [];
  const decoded = decodeManagedFields(requested);
  return decoded.length > 0 ? decoded : liveManagers;
}

export function updateManagedFields(args: UpdateManagedFieldsArgs): ManagedFieldsEntry[] {
  const schema = trackedSchema(args.schema);
  const { added, modified, removed } = compare(schema, trackedView(args.live), trackedView(args.updated));
  const changed = withoutMetadataItself(added.union(modified));

  const managers = startingManagers(args).map((entry) => ({
    ...entry,
    fields: entry.fields.difference(changed).difference(removed),
  }));
  const self = { manager: args.manager, operation: 'Update' as const, ...(args.subresource ? { subresource: args.subresource } : {}) };
  const previous = managers.find((entry) => sameManager(entry, self));
  if (!changed.isEmpty()) {
    const fields = previous ? previous.fields.union(changed) : changed;
    const entry: ManagerFields = { ...self, apiVersion: args.apiVersion, time: args.time, fields };
    if (previous) managers[managers.indexOf(previous)] = entry;
    else managers.push(entry);
  }
  return encodeManagedFields(capUpdateManagers(withoutEmptyEntries(managers)));
}
