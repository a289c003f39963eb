// Kubernetes versions a TenantControlPlane may run. The range matches the control plane images
// the local management cluster builds (hack/versions.env); widen both together.
export const supportedKubernetesMinors = { major: 1, min: 30, max: 33 } as const;

export interface KubernetesVersion {
  major: number;
  minor: number;
  patch: number;
}

const versionPattern = /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

/** Parses `v1.33.1`; undefined for anything else (no pre-release or build suffixes). */
export function parseKubernetesVersion(text: string): KubernetesVersion | undefined {
  const match = versionPattern.exec(text);
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) };
}

/** Konnectivity images follow Kubernetes minors: v1.33.x runs proxy-server v0.33.0. */
export function konnectivityVersionFor(kubernetesVersion: string): string | undefined {
  const parsed = parseKubernetesVersion(kubernetesVersion);
  return parsed ? `v0.${parsed.minor}.0` : undefined;
}
