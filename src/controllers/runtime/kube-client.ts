// Small helpers over client-node's generic KubernetesObjectApi, used for both clusters
// (`managementClient`, `tenantClient`): server-side apply that reports whether anything changed,
// reads that answer undefined for a missing object, and readable API errors.
import { ApiException, KubernetesObjectApi, PatchStrategy, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';

export type KubeClient = KubernetesObjectApi;

/** The field manager of every write the controllers make. */
export const FIELD_MANAGER = 'kamaji-ts';

export function makeKubeClient(kubeConfig: KubeConfig): KubeClient {
  return KubernetesObjectApi.makeApiClient(kubeConfig);
}

export type ObjectRef = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };

export function apiStatusCode(error: unknown): number | undefined {
  return error instanceof ApiException ? error.code : undefined;
}

/** The API server's own message (from the Status body) rather than client-node's generic one. */
export function apiErrorMessage(error: unknown): string {
  if (error instanceof ApiException) {
    const body: unknown = typeof error.body === 'string' ? safeParse(error.body) : error.body;
    const message = body && typeof body === 'object' && 'message' in body ? String(body.message) : error.message;
    return `${message} (HTTP ${error.code})`;
  }
  if (!(error instanceof Error)) return String(error);
  // fetch failures hide the reason (ENOTFOUND, ECONNREFUSED, a TLS error) in their cause.
  const cause: unknown = error.cause;
  return cause instanceof Error && cause.message && !error.message.includes(cause.message)
    ? `${error.message}: ${cause.message}`
    : error.message;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function readObject<T extends KubernetesObject>(client: KubeClient, ref: ObjectRef): Promise<T | undefined> {
  try {
    return (await client.read(ref)) as T;
  } catch (error) {
    if (apiStatusCode(error) === 404) return undefined;
    throw error;
  }
}

/**
 * Server-side apply with our field manager, taking ownership of conflicting fields. Applying the
 * same intent twice changes nothing, so the result compares resourceVersions to report a change.
 */
export async function applyObject<T extends KubernetesObject>(
  client: KubeClient,
  object: T,
  previous?: KubernetesObject,
): Promise<{ object: T; changed: boolean }> {
  const applied = await client.patch(object, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
  return { object: applied as T, changed: applied.metadata?.resourceVersion !== previous?.metadata?.resourceVersion };
}

/** Deletes the object; true when it existed. */
export async function deleteObject(client: KubeClient, ref: ObjectRef): Promise<boolean> {
  try {
    await client.delete(ref);
    return true;
  } catch (error) {
    if (apiStatusCode(error) === 404) return false;
    throw error;
  }
}

/** metav1.Time: RFC 3339 to the second. */
export function kubeTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
