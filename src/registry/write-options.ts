// The query options of writes that the registry checks itself (apimachinery
// meta/v1/validation: ValidateFieldManager, ValidatePatchOptions, ValidateDeleteOptions).
import type { FieldError } from '../apis/meta.ts';
import { invalid } from './errors.ts';
import type { DeleteOptions, PatchType, WriteOptions } from './store.ts';

export const FIELD_MANAGER_MAX_LENGTH = 128;

/** The manager recorded in managedFields: `fieldManager`, else the User-Agent up to its first '/'. */
export function fieldManagerOf(options: WriteOptions): string {
  if (options.fieldManager !== undefined) return options.fieldManager;
  return (options.userAgent ?? '').split('/')[0]!;
}

function fieldManagerErrors(fieldManager: string | undefined): FieldError[] {
  if (fieldManager === undefined) return [];
  if (fieldManager.length > FIELD_MANAGER_MAX_LENGTH) {
    return [{ type: 'FieldValueTooLong', field: 'fieldManager', detail: `may not be more than ${FIELD_MANAGER_MAX_LENGTH} bytes` }];
  }
  // Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
  if (!/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]*$/u.test(fieldManager)) {
    return [{ type: 'FieldValueInvalid', field: 'fieldManager', value: fieldManager, detail: 'FieldManager must contain only printable characters' }];
  }
  return [];
}

export function validateWriteOptions(kind: 'CreateOptions' | 'UpdateOptions', options: WriteOptions): void {
  const errors = fieldManagerErrors(options.fieldManager);
  if (errors.length > 0) throw invalid('meta.k8s.io', kind, '', errors);
}

export function validatePatchOptions(type: PatchType, options: WriteOptions & { force?: boolean }): void {
  const errors: FieldError[] = [];
  if (type !== 'apply') {
    if (options.force !== undefined) {
      errors.push({ type: 'FieldValueForbidden', field: 'force', detail: 'may not be specified for non-apply patch' });
    }
  } else if (!options.fieldManager) {
    errors.push({ type: 'FieldValueRequired', field: 'fieldManager', detail: 'is required for apply patch' });
  }
  errors.push(...fieldManagerErrors(options.fieldManager));
  if (errors.length > 0) throw invalid('meta.k8s.io', 'PatchOptions', '', errors);
}

export function validateDeleteOptions(options: DeleteOptions): void {
  const errors: FieldError[] = [];
  const policy = options.propagationPolicy as string | undefined;
  if (options.orphanDependents !== undefined && policy !== undefined) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'propagationPolicy',
      value: policy,
      detail: 'orphanDependents and deletionPropagation cannot be both set',
    });
  }
  if (policy !== undefined && !['Foreground', 'Background', 'Orphan'].includes(policy)) {
    errors.push({
      type: 'FieldValueNotSupported',
      field: 'propagationPolicy',
      detail: '',
      value: policy,
      supportedValues: ['Foreground', 'Background', 'Orphan'],
    });
  }
  if (errors.length > 0) throw invalid('meta.k8s.io', 'DeleteOptions', '', errors);
}
