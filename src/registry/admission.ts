// Admission checks that need I/O (does the DataStore a TenantControlPlane names exist? is a
// DataStore still in use?) are plugged in by main.ts, so the registry never learns those kinds.
import type { FieldError, KubeObject, UserInfo } from '../apis/meta.ts';
import { invalid } from './errors.ts';

export interface AdmissionRequest {
  operation: 'CREATE' | 'UPDATE' | 'DELETE';
  /** The object as it would be stored (CREATE, UPDATE). */
  object?: KubeObject;
  /** The stored object (UPDATE, DELETE). */
  oldObject?: KubeObject;
  user: UserInfo;
  dryRun: boolean;
}

/**
 * Returns field errors (⇒ 422 Invalid) or throws an ApiError of its own (e.g. 409 naming the users
 * of a DataStore). Runs after defaulting and validation, on dry runs too, before anything is stored.
 */
export type AdmissionHook = (request: AdmissionRequest) => Promise<FieldError[] | void>;

export interface AdmissionTarget {
  group: string;
  kind: string;
}

export async function admit(hooks: readonly AdmissionHook[], target: AdmissionTarget, request: AdmissionRequest): Promise<void> {
  const errors: FieldError[] = [];
  for (const hook of hooks) errors.push(...((await hook(request)) ?? []));
  if (errors.length > 0) {
    const name = (request.object ?? request.oldObject)?.metadata.name ?? '';
    throw invalid(target.group, target.kind, name, errors);
  }
}
