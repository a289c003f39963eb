// A Secret whose content the controller generates (certificates, keys, kubeconfigs). It carries a
// checksum of its inputs and is regenerated only when that checksum changes, a certificate in it
// nears expiry or no longer verifies against its issuer, or someone asks for a rotation.
import type { V1Secret } from '@kubernetes/client-node';
import { expiresWithin, isSignedBy } from '../../pki/index.ts';
import type { TenantControlPlane } from '../../apis/index.ts';
import { kubeTime, readObject, type KubeClient } from '../runtime/kube-client.ts';
import { readOwnedSecret, type SecretReader } from './owned-secrets.ts';
import { ANNOTATION_CHECKSUM, ANNOTATION_ROTATE, checksum, ownedMetadata, secretName, type SecretPurpose } from './names.ts';

/** Certificates are renewed when they expire within this many seconds (Kamaji's default deadline). */
export const CERTIFICATE_RENEWAL_THRESHOLD_SECONDS = 24 * 60 * 60;

export interface GeneratedSecretSpec {
  purpose: SecretPurpose;
  /** Value of the kamaji.clastix.io/component label. */
  component: string;
  type?: string;
  /** Everything the content derives from; its checksum decides regeneration. */
  inputs: unknown;
  /** Certificates (PEM) held in existing content, to check for expiry and issuer. */
  certificatesIn(data: Record<string, string>): string[];
  /** The CA that must have signed those certificates, if any. */
  issuer?: string;
  /** Keys the content must have; a Secret missing one is regenerated. */
  keys: string[];
  /**
   * A Secret someone else made (no checksum of ours) is taken over as it is when its content fits:
   * how a user brings their own CA or service-account keys.
   */
  adoptable?: boolean;
  /** Asynchronous: key generation runs off the event loop (see pki/keys.ts). */
  generate(): Promise<Record<string, string>>;
}

export type RegenerationReason = 'missing' | 'inputs changed' | 'rotation requested' | 'expiring' | 'issuer changed' | 'invalid';

/** Why the existing Secret must be regenerated, or undefined when it still fits. */
export function regenerationReason(
  existing: { data: Record<string, string>; annotations: Record<string, string> } | undefined,
  spec: Pick<GeneratedSecretSpec, 'inputs' | 'certificatesIn' | 'issuer' | 'keys' | 'adoptable'>,
  now: Date = new Date(),
): RegenerationReason | undefined {
  if (!existing) return 'missing';
  if (ANNOTATION_ROTATE in existing.annotations) return 'rotation requested';
  const adopting = spec.adoptable && existing.annotations[ANNOTATION_CHECKSUM] === undefined;
  if (!adopting && existing.annotations[ANNOTATION_CHECKSUM] !== checksum(spec.inputs)) return 'inputs changed';
  if (spec.keys.some((key) => !existing.data[key])) return 'invalid';
  try {
    const certificates = spec.certificatesIn(existing.data);
    if (certificates.some((pem) => expiresWithin(pem, CERTIFICATE_RENEWAL_THRESHOLD_SECONDS, now))) return 'expiring';
    const issuer = spec.issuer;
    if (issuer && certificates.some((pem) => !isSignedBy(pem, issuer))) return 'issuer changed';
  } catch {
    return 'invalid';
  }
  return undefined;
}

export interface EnsuredSecret {
  name: string;
  /** Decoded content. */
  data: Record<string, string>;
  /** Checksum of the content, for status and the pod annotations that roll the pods on a change. */
  checksum: string;
  /** When set, the content was (re)generated for this reason. */
  regenerated?: RegenerationReason;
  /** Set when the Secret was written in this pass. */
  lastUpdate?: string;
}

export function decodeSecretData(secret: V1Secret | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(secret?.data ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')]),
  );
}

export function buildSecret(
  tcp: TenantControlPlane,
  name: string,
  component: string,
  data: Record<string, string>,
  annotations: Record<string, string>,
  type = 'Opaque',
): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { ...ownedMetadata(tcp, name, component), annotations },
    type,
    data: Object.fromEntries(Object.entries(data).map(([key, value]) => [key, Buffer.from(value).toString('base64')])),
  };
}

/** Creates or regenerates the Secret as needed; reads and returns it otherwise. */
export async function ensureGeneratedSecret(
  reader: SecretReader,
  tcp: TenantControlPlane,
  spec: GeneratedSecretSpec,
): Promise<EnsuredSecret> {
  const { managementClient } = reader;
  const name = secretName(tcp, spec.purpose);
  const namespace = tcp.metadata.namespace ?? '';
  const existing = await readOwnedSecret(reader, namespace, name);
  const existingData = decodeSecretData(existing);
  const reason = regenerationReason(
    existing ? { data: existingData, annotations: existing.metadata?.annotations ?? {} } : undefined,
    spec,
  );
  const ownedByUs = existing?.metadata?.ownerReferences?.some((ref) => ref.uid === tcp.metadata.uid) ?? false;
  const data = reason ? await spec.generate() : existingData;
  const annotations = { [ANNOTATION_CHECKSUM]: checksum(spec.inputs) };
  const desired = buildSecret(tcp, name, spec.component, data, annotations, spec.type);
  let written = true;
  if (!existing) {
    await managementClient.create(desired);
  } else if (reason || !ownedByUs) {
    desired.metadata!.resourceVersion = existing.metadata?.resourceVersion;
    await managementClient.replace(desired);
  } else {
    written = false;
  }
  return {
    name,
    data,
    checksum: checksum(data),
    ...(reason ? { regenerated: reason } : {}),
    ...(written ? { lastUpdate: kubeTime(new Date()) } : {}),
  };
}

/** A live read, for callers outside a pass (the subresources), which have no informer. */
export function readSecret(managementClient: KubeClient, namespace: string, name: string): Promise<V1Secret | undefined> {
  return readObject<V1Secret>(managementClient, { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace } });
}
