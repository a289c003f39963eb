// Figure 1: reads. `get` of one object and `list` across all namespaces of 100, 1,000 and 10,000
// TenantControlPlanes, as JSON and as the Table kubectl asks for, paged the way `kubectl get -A`
// pages (limit=500 and continue). Kamaji-TS through the aggregator and straight to a replica,
// against the same objects as a CRD on the same kube-apiserver.
import { createMany, ensureNamespace, removeNamespace, type ApiSide } from '../lib/api-sides.ts';
import { requireCluster, type BenchContext } from '../lib/context.ts';
import { addComparisons, sampleSides } from '../lib/sampling.ts';

/** What kubectl 1.33 sends for `kubectl get` with human-readable output. */
export const KUBECTL_TABLE_ACCEPT =
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const KUBECTL_CHUNK_SIZE = 500;
const SECTION = '1 reads';

const FORMATS = [
  { name: 'JSON', accept: 'application/json' },
  { name: 'Table', accept: KUBECTL_TABLE_ACCEPT },
] as const;

/** Reads every page of a cluster-wide list; the continue token is found without parsing the page. */
export async function listAllPages(side: ApiSide, accept: string, onPage?: (text: string) => void): Promise<void> {
  let token: string | undefined;
  do {
    const query = `limit=${KUBECTL_CHUNK_SIZE}${token ? `&continue=${encodeURIComponent(token)}` : ''}`;
    const { text } = await side.client.request(`${side.collection()}?${query}`, { accept });
    onPage?.(text);
    token = continueToken(text);
  } while (token);
}

/** The list's metadata.continue, or undefined on the last page. */
export function continueToken(listText: string): string | undefined {
  const match = /"continue":"([^"]*)"/.exec(listText);
  return match?.[1] ? match[1] : undefined;
}

async function countAll(side: ApiSide): Promise<number> {
  let count = 0;
  await listAllPages(side, 'application/json', (text) => (count += (JSON.parse(text) as { items: unknown[] }).items.length));
  return count;
}

export async function runReads(ctx: BenchContext): Promise<void> {
  const api = requireCluster(ctx);
  const sizes = ctx.quick ? [100, 1000] : [100, 1000, 10_000];
  const getSamples = ctx.quick ? 200 : 1000;
  const listSamples = (size: number) => (size <= 100 ? (ctx.quick ? 40 : 100) : size <= 1000 ? (ctx.quick ? 12 : 30) : 8);
  const namespace = `bench-reads-${ctx.runId}`;
  const writers = [api.aggregated, api.crd];
  const readers = [api.aggregated, api.direct, api.crd];
  await ensureNamespace(api.cluster.admin, namespace);
  try {
    let existing = 0;
    for (const size of sizes) {
      const names = Array.from({ length: size - existing }, (_, i) => `tcp-${String(existing + i).padStart(5, '0')}`);
      for (const side of writers) {
        ctx.progress(`reads: creating ${names.length} TenantControlPlanes (${side.label}), ${size} in all`);
        await createMany(side, namespace, names, (done) => ctx.progress(`reads: ${side.label}: ${done}/${names.length} created`));
      }
      existing = size;
      const counts = await Promise.all(readers.map(countAll));
      const note = `items listed: ${readers.map((side, i) => `${side.label} ${counts[i]}`).join(', ')} (other users' tcps in the cluster count too)`;

      if (size === sizes[0]) {
        ctx.progress(`reads: get one tcp, ${getSamples} samples per side`);
        const results = await sampleSides(ctx, 'get one tcp', readers, getSamples, (side, i) =>
          side.client.request(side.object(namespace, `tcp-${String((i * 37) % size).padStart(5, '0')}`)),
        );
        addComparisons(ctx, SECTION, `get one tcp (JSON, ${size} different objects in turn)`, results);
        // The same object every time: Kamaji-TS's authorization answers from its cache (kube's 10 s TTL).
        const same = await sampleSides(ctx, 'get one tcp', readers, getSamples, (side) => side.client.request(side.object(namespace, 'tcp-00000')));
        addComparisons(ctx, SECTION, 'get one tcp (JSON, the same object every time)', same);
      }
      for (const format of FORMATS) {
        const samples = listSamples(size);
        ctx.progress(`reads: list ${size} tcps across namespaces as ${format.name}, ${samples} samples per side`);
        const results = await sampleSides(ctx, `list ${size} tcps (${format.name})`, readers, samples, (side) => listAllPages(side, format.accept));
        addComparisons(ctx, SECTION, `list ${size} tcps -A (${format.name}, pages of ${KUBECTL_CHUNK_SIZE})`, results, note);
      }
    }
  } finally {
    ctx.progress('reads: deleting the objects');
    await removeNamespace(api.cluster.admin, writers, namespace);
  }
}
