// Reads of the Secrets a tcp owns. The controller's Secret informer already holds every one of
// them (they carry our label), so a pass reads that cache and asks the management cluster only on
// a miss: a steady-state pass made a dozen GETs for Secrets it had just been told about.
//
// A cached copy may lag a write by a moment. That is safe here: a Secret is replaced with the
// resourceVersion it was read at (a stale copy gets a 409 and the pass is retried), and a miss is
// confirmed with a GET before anything is created.
import type { V1Secret } from '@kubernetes/client-node';
import { readObject, type KubeClient } from '../runtime/kube-client.ts';

/** The Secrets the informer has seen, by namespace and name. */
export interface SecretCache {
  get(namespace: string, name: string): V1Secret | undefined;
}

export interface SecretReader {
  managementClient: KubeClient;
  secretCache: SecretCache;
}

export async function readOwnedSecret(reader: SecretReader, namespace: string, name: string): Promise<V1Secret | undefined> {
  return (
    reader.secretCache.get(namespace, name) ??
    readObject<V1Secret>(reader.managementClient, { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace } })
  );
}
