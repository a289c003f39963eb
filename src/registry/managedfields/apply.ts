// Server-side apply: merge a manager's configuration into the live object, drop what it applied
// before and applies no longer (unless someone else owns it), and refuse to change fields other
// managers own unless forced.
import { isDeepStrictEqual } from 'node:util';
import type { JSONSchemaProps } from '../../apis/declaration.ts';
import type { JsonObject, KubeObject } from '../../apis/meta.ts';
import { badRequest } from '../errors.ts';
import { compare } from './compare.ts';
import { applyConflictError, type ManagerConflict } from './conflicts.ts';
import { FieldSet, fieldElement, type FieldPath } from './field-set.ts';
import { capUpdateManagers } from './cap-update-managers.ts';
import { decodeManagedFields, encodeManagedFields, withoutEmptyEntries, sameManager, type ManagerFields } from './managers.ts';
import { merge, removeItems } from './merge.ts';
import { ConfigurationError, ownedFields } from './owned-fields.ts';
import type { Schema } from './shape.ts';
import { trackedSchema, trackedView, withoutMetadataItself, withTrackedView } from './tracked.ts';

export const BEFORE_FIRST_APPLY = 'before-first-apply';

export interface ApplyConfigurationArgs {
  live: KubeObject | undefined;
  applied: KubeObject;
  manager: string;
  force: boolean;
  subresource?: string;
  apiVersion: string;
  time: string;
  schema: JSONSchemaProps;
}

/** A key field of a list item stays while the item does: without it the item has no name. */
function isKeyOfItem(path: FieldPath): boolean {
  const [parent, last] = [path.at(-2), path.at(-1)];
  if (!parent?.startsWith('k:') || !last?.startsWith('f:')) return false;
  return Object.hasOwn(JSON.parse(parent.slice(2)) as JsonObject, last.slice(2));
}

/**
 * Removes from `merged` what the manager owned before (`previous`) and nobody owns now, including
 * the maps and items that held it, unless something below them is still owned or the
 * configuration names them itself (an empty list owns nothing but must stay, or the next identical
 * apply would add it back).
 */
function prune(schema: Schema, merged: JsonObject, previous: FieldSet, ownedNow: FieldSet, appliedView: JsonObject): JsonObject {
  const inConfiguration = compare(schema, {}, appliedView).added;
  const candidates = new FieldSet();
  for (const path of previous.paths()) {
    for (let length = 1; length <= path.length; length++) candidates.insert(path.slice(0, length));
  }
  const unowned = new FieldSet();
  for (const path of candidates.paths()) {
    const isMetadata = path.length === 1 && path[0] === fieldElement('metadata');
    if (!isMetadata && !ownedNow.at(path) && !inConfiguration.has(path) && !isKeyOfItem(path)) unowned.insert(path);
  }
  return removeItems(schema, merged, unowned) as JsonObject;
}

/**
 * An object without managedFields (written before they were kept, or reset with `[{}]`) gets, on
 * its first apply, an Update manager that owns everything already there, so the apply conflicts
 * where it would change existing values, as upstream does.
 */
function beforeFirstApply(schema: Schema, liveView: JsonObject, args: ApplyConfigurationArgs): ManagerFields {
  const { added, modified } = compare(schema, { metadata: {} }, liveView);
  return {
    manager: BEFORE_FIRST_APPLY,
    operation: 'Update',
    apiVersion: args.apiVersion,
    time: args.time,
    fields: added.union(modified),
  };
}

export function applyConfiguration(args: ApplyConfigurationArgs): KubeObject {
  // `managedFields: null` decodes to nil upstream and passes; any list, even an empty one, does not.
  if (args.applied.metadata?.managedFields != null) throw badRequest('metadata.managedFields must be nil');
  const schema = trackedSchema(args.schema);
  const liveView = trackedView(args.live);
  const appliedView = trackedView(args.applied);

  let applierFields: FieldSet;
  try {
    applierFields = withoutMetadataItself(ownedFields(schema, appliedView));
  } catch (error) {
    if (error instanceof ConfigurationError) throw badRequest(`failed to create typed patch object: ${error.message}`);
    throw error;
  }

  const managers = decodeManagedFields(args.live?.metadata?.managedFields);
  if (args.live && managers.length === 0) managers.push(beforeFirstApply(schema, liveView, args));
  const self = { manager: args.manager, operation: 'Apply' as const, ...(args.subresource ? { subresource: args.subresource } : {}) };
  const previous = managers.find((entry) => sameManager(entry, self));
  const others = managers.filter((entry) => entry !== previous);

  let merged = merge(schema, liveView, appliedView) as JsonObject;
  if (previous) {
    const ownedNow = others.reduce((owned, entry) => owned.union(entry.fields), applierFields);
    merged = prune(schema, merged, previous.fields, ownedNow, appliedView);
  }

  const { added, modified, removed } = compare(schema, liveView, merged);
  const touched = added.union(modified);
  const conflicts: ManagerConflict[] = others
    .map((owner) => ({ owner, fields: owner.fields.intersection(touched) }))
    .filter(({ fields }) => !fields.isEmpty());
  if (conflicts.length > 0 && !args.force) throw applyConflictError(conflicts);

  const objectChanged = !args.live || !isDeepStrictEqual(liveView, merged);
  const applierChanged =
    !previous || previous.apiVersion !== args.apiVersion || !previous.fields.equals(applierFields);
  const applier: ManagerFields = {
    ...self,
    apiVersion: args.apiVersion,
    time: previous && !objectChanged && !applierChanged ? previous.time : args.time,
    fields: applierFields,
  };
  const managedFields = encodeManagedFields(
    capUpdateManagers(
      withoutEmptyEntries([
        ...others.map((entry) => ({ ...entry, fields: entry.fields.difference(touched).difference(removed) })),
        applier,
      ]),
    ),
  );

  const base: KubeObject = args.live ?? {
    apiVersion: args.applied.apiVersion,
    kind: args.applied.kind,
    metadata: { ...args.applied.metadata },
  };
  const result = withTrackedView(base, merged);
  result.metadata.managedFields = managedFields;
  return result;
}
