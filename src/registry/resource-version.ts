// resourceVersion, resourceVersionMatch and continue as kube-apiserver reads them (apimachinery
// internalversion/validation, apiserver pkg/storage/continue.go and etcd3/errors.go): option
// validation, continue tokens, and the Status errors for too-old and too-new revisions.
import type { FieldError } from '../apis/meta.ts';
import { type ApiError, badRequest, expired, invalid, timeout } from './errors.ts';
import type { WatchRequest } from './store.ts';

export const LIST_TOO_OLD = 'The resourceVersion for the provided list is too old.';

const CONTINUE_TOO_OLD =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list ' +
  'without the continue parameter, or use the continue token in this response to retrieve the remainder of the ' +
  'results. Continuing with the provided token results in an inconsistent list - objects that were created, ' +
  'modified, or deleted between the time the first chunk was returned and now may show up in the list.';

/**
 * A resourceVersion parameter as a revision: undefined when unset, 0 for "0" (any), else the
 * positive revision. Anything but a decimal integer is a 400, as kube's versioner answers.
 */
export function parseResourceVersion(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^(0|[1-9][0-9]*)$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw badRequest(`invalid resource version: ${JSON.stringify(value)}`);
  }
  return Number(value);
}

/**
 * ValidateListOptions: what list and watch accept together. `watch` selects the watch rules. Errors
 * are 422 Invalid on kind ListOptions.meta.k8s.io, as kube-apiserver reports them.
 */
export function validateListOptions(request: WatchRequest, watch: boolean): void {
  const errors: FieldError[] = [];
  const match = request.resourceVersionMatch;
  const forbidden = (field: string, detail: string) => errors.push({ type: 'FieldValueForbidden', field, detail });
  if (watch) {
    if (request.sendInitialEvents !== undefined && match !== 'NotOlderThan') {
      forbidden('resourceVersionMatch', 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan');
    }
    if (match) {
      if (request.sendInitialEvents === undefined) {
        forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided');
      }
      if (match !== 'NotOlderThan') {
        errors.push({
          type: 'FieldValueNotSupported',
          field: 'resourceVersionMatch',
          detail: '',
          value: match,
          supportedValues: ['NotOlderThan'],
        });
      }
      if (request.continue) forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided');
    }
  } else {
    if (match) {
      if (!request.resourceVersion) {
        forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided');
      }
      if (request.continue) forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided');
      if (match !== 'Exact' && match !== 'NotOlderThan') {
        errors.push({
          type: 'FieldValueNotSupported',
          field: 'resourceVersionMatch',
          detail: '',
          value: match,
          supportedValues: ['Exact', 'NotOlderThan'],
        });
      }
      if (match === 'Exact' && request.resourceVersion === '0') {
        forbidden('resourceVersionMatch', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"');
      }
    }
    if (request.sendInitialEvents !== undefined) forbidden('sendInitialEvents', 'sendInitialEvents is forbidden for list');
  }
  if (request.limit !== undefined && (!Number.isSafeInteger(request.limit) || request.limit < 0)) {
    errors.push({ type: 'FieldValueInvalid', field: 'limit', detail: 'must be a non-negative integer', value: request.limit });
  }
  if (errors.length > 0) throw invalid('meta.k8s.io', 'ListOptions', '', errors);
}

/** Where a paginated list resumes: after `lastKey`, at `revision` (-1: at the latest revision). */
export interface ContinuePoint {
  lastKey: string;
  revision: number;
}

interface ContinueToken {
  v: 'meta.k8s.io/v1';
  rv: number;
  start: string;
}

/** Opaque to clients: base64url JSON of the snapshot revision and the last key, relative to the prefix. */
export function encodeContinue(point: ContinuePoint, prefix: string): string {
  if (!point.lastKey.startsWith(prefix)) throw new Error(`continue key ${point.lastKey} is outside ${prefix}`);
  const token: ContinueToken = { v: 'meta.k8s.io/v1', rv: point.revision, start: point.lastKey.slice(prefix.length) };
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

export function decodeContinue(token: string, prefix: string): ContinuePoint {
  const fail = (why: string) => badRequest(`invalid continue token: continue key is not valid: ${why}`);
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw fail('not base64-encoded JSON');
  }
  const parsed = decoded as Partial<ContinueToken> | null;
  if (typeof parsed !== 'object' || parsed === null || parsed.v !== 'meta.k8s.io/v1') {
    throw fail('server does not recognize this encoded version');
  }
  if (typeof parsed.rv !== 'number' || !Number.isSafeInteger(parsed.rv) || parsed.rv === 0 || parsed.rv < -1) {
    throw fail('incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
  if (typeof parsed.start !== 'string' || parsed.start === '' || parsed.start.split('/').some((s) => s === '..' || s === '.')) {
    throw fail('illegal path');
  }
  return { lastKey: prefix + parsed.start, revision: parsed.rv };
}

/** 410 for an Exact or continued list whose revision was compacted. */
export function listTooOld(): ApiError {
  return expired(LIST_TOO_OLD);
}

/** 410 for a continue token whose snapshot is gone; carries a token that resumes at the latest revision. */
export function continueTooOld(lastKey: string, prefix: string): ApiError {
  const error = expired(CONTINUE_TOO_OLD);
  error.status.metadata.continue = encodeContinue({ lastKey, revision: -1 }, prefix);
  return error;
}

/** 504 with cause ResourceVersionTooLarge, as the watch cache answers after waiting for a future revision. */
export function resourceVersionTooLarge(requested: number, current?: number): ApiError {
  const known = current === undefined ? '' : `, current: ${current}`;
  return timeout(`Timeout: Too large resource version: ${requested}${known}`, {
    causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
    retryAfterSeconds: 1,
  });
}

/** How long a request for a future revision waits for it before the 504 (kube's watch cache: 3 s). */
export const FUTURE_REVISION_WAIT_MS = 3_000;

/**
 * Waits until `currentRevision()` reaches `wanted`, polling, for at most `waitMs`; then throws the
 * 504 ResourceVersionTooLarge. Replicas see each other's writes with a delay, hence the wait.
 */
export async function waitForRevision(
  currentRevision: () => Promise<number>,
  wanted: number,
  waitMs = FUTURE_REVISION_WAIT_MS,
): Promise<number> {
  const deadline = Date.now() + waitMs;
  for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
    const current = await currentRevision();
    if (current >= wanted) return current;
    if (Date.now() >= deadline) throw resourceVersionTooLarge(wanted, current);
    await new Promise((resolve) => setTimeout(resolve, Math.min(delay, Math.max(0, deadline - Date.now()))));
  }
}
