// The 409 a server-side apply answers when it would change fields other managers own, worded as
// kube-apiserver words it (apimachinery managedfields/internal/conflict.go).
import type { StatusCause } from '../../apis/meta.ts';
import { ApiError } from '../errors.ts';
import { formatPath, type FieldSet } from './field-set.ts';
import { describeManager, type ManagerFields } from './managers.ts';

export interface ManagerConflict {
  owner: ManagerFields;
  fields: FieldSet;
}

function byManager(a: ManagerConflict, b: ManagerConflict): number {
  const key = (c: ManagerConflict): string => `${c.owner.manager}\0${c.owner.operation}\0${c.owner.subresource ?? ''}`;
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}

export function applyConflictError(conflicts: readonly ManagerConflict[]): ApiError {
  const grouped = [...conflicts].sort(byManager).map((c) => ({
    manager: describeManager(c.owner),
    fields: c.fields.paths().map(formatPath),
  }));
  const causes: StatusCause[] = grouped.flatMap(({ manager, fields }) =>
    fields.map((field) => ({ reason: 'FieldManagerConflict', message: `conflict with ${manager}`, field })),
  );
  const message =
    causes.length === 1
      ? `Apply failed with 1 conflict: conflict with ${grouped[0]!.manager}: ${causes[0]!.field}`
      : `Apply failed with ${causes.length} conflicts: ${grouped
          .flatMap(({ manager, fields }) => [`conflicts with ${manager}:`, ...fields.map((field) => `- ${field}`)])
          .join('\n')}`;
  return new ApiError(409, 'Conflict', message, { causes });
}
