// managedFields entries decoded into field sets, and encoded back in upstream's order.
import type { JsonValue, ManagedFieldsEntry } from '../../apis/meta.ts';
import { FieldSet } from './field-set.ts';
import { withoutMetadataItself } from './tracked.ts';

export interface ManagerFields {
  manager: string;
  operation: 'Apply' | 'Update';
  subresource?: string;
  apiVersion: string;
  time: string;
  fields: FieldSet;
}

/** One entry per manager, operation and subresource. */
export function sameManager(
  a: Pick<ManagerFields, 'manager' | 'operation' | 'subresource'>,
  b: Pick<ManagerFields, 'manager' | 'operation' | 'subresource'>,
): boolean {
  return a.manager === b.manager && a.operation === b.operation && (a.subresource ?? '') === (b.subresource ?? '');
}

/** How conflict messages name a manager: Update managers with their version, as upstream. */
export function describeManager(entry: ManagerFields): string {
  let described = JSON.stringify(entry.manager);
  if (entry.subresource) described += ` with subresource ${JSON.stringify(entry.subresource)}`;
  if (entry.operation === 'Update') described += ` using ${entry.apiVersion}`;
  return described;
}

/** Entries that are not well-formed FieldsV1 are dropped: nothing can be said of their fields. */
export function decodeManagedFields(entries: unknown): ManagerFields[] {
  if (!Array.isArray(entries)) return [];
  const decoded: ManagerFields[] = [];
  for (const entry of entries as Partial<ManagedFieldsEntry>[]) {
    if (entry === null || typeof entry !== 'object') continue;
    if (typeof entry.manager !== 'string' || (entry.operation !== 'Apply' && entry.operation !== 'Update')) continue;
    const fields = FieldSet.fromFieldsV1(entry.fieldsV1 as JsonValue | undefined);
    if (!fields) continue;
    decoded.push({
      manager: entry.manager,
      operation: entry.operation,
      ...(entry.subresource ? { subresource: entry.subresource } : {}),
      apiVersion: typeof entry.apiVersion === 'string' ? entry.apiVersion : '',
      time: typeof entry.time === 'string' ? entry.time : '',
      fields,
    });
  }
  return decoded;
}

/** A request that sets managedFields to `[{}]` asks to clear them (upstream's reset). */
export function isResetRequest(entries: unknown): boolean {
  return (
    Array.isArray(entries) &&
    entries.length === 1 &&
    entries[0] !== null &&
    typeof entries[0] === 'object' &&
    Object.keys(entries[0] as object).length === 0
  );
}

export function timeInSeconds(time: string): number {
  const parsed = Date.parse(time);
  return Number.isNaN(parsed) ? 0 : Math.floor(parsed / 1000);
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Entries that still own something (a manager whose last field went has no entry). */
export function withoutEmptyEntries(managers: readonly ManagerFields[]): ManagerFields[] {
  return managers
    .map((entry) => ({ ...entry, fields: withoutMetadataItself(entry.fields) }))
    .filter((entry) => !entry.fields.isEmpty());
}

/** Orders by operation, time, manager, apiVersion, subresource, as upstream encodes them. */
export function encodeManagedFields(managers: readonly ManagerFields[]): ManagedFieldsEntry[] {
  return [...managers]
    .sort(
      (p, q) =>
        compareText(p.operation, q.operation) ||
        timeInSeconds(p.time) - timeInSeconds(q.time) ||
        compareText(p.manager, q.manager) ||
        compareText(p.apiVersion, q.apiVersion) ||
        compareText(p.subresource ?? '', q.subresource ?? ''),
    )
    .map((entry) => ({
      manager: entry.manager,
      operation: entry.operation,
      apiVersion: entry.apiVersion,
      time: entry.time,
      fieldsType: 'FieldsV1' as const,
      fieldsV1: entry.fields.toFieldsV1(),
      ...(entry.subresource ? { subresource: entry.subresource } : {}),
    }));
}
