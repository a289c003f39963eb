// The peer: the same kinds served by kube-apiserver itself as CustomResourceDefinitions, generated
// from the very declarations Kamaji-TS serves (schema, scope, printer columns, status subresource),
// with only the group moved to a bench-only one so both can live in one cluster. Short names and
// categories are left out so `kubectl get tcp` and `kubectl get kamaji` keep meaning Kamaji-TS.
import type { ResourceDeclaration } from '../../src/apis/declaration.ts';
import type { HttpClient } from './http-client.ts';

export const BENCH_GROUP = 'bench.kamaji.io';

export function crdName(declaration: ResourceDeclaration, group = BENCH_GROUP): string {
  return `${declaration.plural}.${group}`;
}

export function customResourceDefinitionFor(declaration: ResourceDeclaration, group = BENCH_GROUP) {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: crdName(declaration, group), labels: { 'app.kubernetes.io/part-of': 'kamaji-ts-bench' } },
    spec: {
      group,
      scope: declaration.scope,
      names: { kind: declaration.kind, listKind: declaration.listKind, plural: declaration.plural, singular: declaration.singular },
      versions: [
        {
          name: declaration.version,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: declaration.schema },
          ...(declaration.statusSubresource ? { subresources: { status: {} } } : {}),
          additionalPrinterColumns: declaration.printerColumns.map(({ name, type, format, description, priority, jsonPath }) => ({
              name,
              type,
              ...(format ? { format } : {}),
              description,
              priority,
            jsonPath,
          })),
        },
      ],
    },
  };
}

/** Creates or replaces the CRD and waits until kube-apiserver serves it. */
export async function installCustomResourceDefinition(admin: HttpClient, declaration: ResourceDeclaration): Promise<void> {
  const crd = customResourceDefinitionFor(declaration);
  const path = `/apis/apiextensions.k8s.io/v1/customresourcedefinitions`;
  const existing = await admin.json<{ metadata: { resourceVersion: string } }>(`${path}/${crd.metadata.name}`).catch(() => undefined);
  if (existing) {
    const replaced = { ...crd, metadata: { ...crd.metadata, resourceVersion: existing.metadata.resourceVersion } };
    await admin.request(`${path}/${crd.metadata.name}`, { method: 'PUT', body: JSON.stringify(replaced) });
  } else {
    await admin.request(path, { method: 'POST', body: JSON.stringify(crd) });
  }
  for (let attempt = 0; attempt < 100; attempt++) {
    const current = await admin.json<{ status?: { conditions?: { type: string; status: string }[] } }>(`${path}/${crd.metadata.name}`);
    if (current.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) {
      // Established means the definition is accepted; discovery and the handler follow within moments.
      await admin.request(`/apis/${BENCH_GROUP}/${declaration.version}`).catch(() => undefined);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`CRD ${crd.metadata.name} did not become Established within 10 s`);
}

export async function removeCustomResourceDefinition(admin: HttpClient, declaration: ResourceDeclaration): Promise<void> {
  await admin
    .request(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crdName(declaration)}`, { method: 'DELETE' })
    .catch(() => undefined);
}
