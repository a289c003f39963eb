// Figure 2: writes. create, update (PUT), merge patch, server-side apply and delete, each sample on
// an object of its own made for it, through the aggregator, straight to a replica, and on the CRD.
import { benchTenantControlPlane, boundedAll, ensureNamespace, removeNamespace, type ApiSide } from '../lib/api-sides.ts';
import { requireCluster, type BenchContext } from '../lib/context.ts';
import { compareOrExplain, sampleSides } from '../lib/sampling.ts';

const SECTION = '2 writes';
type Pool = Map<ApiSide, Record<string, unknown>[]>;

const nameOf = (side: ApiSide, op: string, index: number) => `${op}-${side.key}-${index}`;

/** Untimed: one object per sample and side, returned as stored (with its resourceVersion). */
async function makePool(ctx: BenchContext, sides: readonly ApiSide[], namespace: string, op: string, samples: number): Promise<Pool> {
  const pool: Pool = new Map();
  for (const side of sides) {
    const objects = await boundedAll(samples, 16, (index) =>
      side.client.json<Record<string, unknown>>(side.collection(namespace), {
        method: 'POST',
        body: JSON.stringify(benchTenantControlPlane(side, namespace, nameOf(side, op, index))),
      }),
    );
    pool.set(side, objects);
  }
  ctx.progress(`writes: ${samples} objects per side ready for ${op}`);
  return pool;
}

export async function runWrites(ctx: BenchContext): Promise<void> {
  const api = requireCluster(ctx);
  const samples = ctx.quick ? 40 : 200;
  const sides = [api.aggregated, api.direct, api.crd];
  const namespace = `bench-writes-${ctx.runId}`;
  await ensureNamespace(api.cluster.admin, namespace);
  try {
    ctx.progress(`writes: create, ${samples} samples per side`);
    await compareOrExplain(ctx, SECTION, 'create', () =>
      sampleSides(ctx, 'writes', sides, samples, (side, index) =>
        side.client.request(side.collection(namespace), {
          method: 'POST',
          body: JSON.stringify(benchTenantControlPlane(side, namespace, nameOf(side, 'create', index))),
        }),
      ),
    );

    ctx.progress(`writes: update (PUT), ${samples} samples per side`);
    await compareOrExplain(ctx, SECTION, 'update (PUT)', async () => {
      const pool = await makePool(ctx, sides, namespace, 'update', samples);
      return sampleSides(ctx, 'writes', sides, samples, (side, index) => {
        const object = structuredClone(pool.get(side)![index]!) as { metadata: { labels: Record<string, string> }; spec: { controlPlane: { deployment: { replicas: number } } } };
        object.metadata.labels['bench-step'] = 'updated';
        object.spec.controlPlane.deployment.replicas = 2;
        return side.client.request(side.object(namespace, nameOf(side, 'update', index)), { method: 'PUT', body: JSON.stringify(object) });
      });
    });

    ctx.progress(`writes: merge patch, ${samples} samples per side`);
    await compareOrExplain(ctx, SECTION, 'merge patch', async () => {
      await makePool(ctx, sides, namespace, 'patch', samples);
      return sampleSides(ctx, 'writes', sides, samples, (side, index) =>
        side.client.request(side.object(namespace, nameOf(side, 'patch', index)), {
          method: 'PATCH',
          contentType: 'application/merge-patch+json',
          body: JSON.stringify({ metadata: { labels: { 'bench-step': 'patched' } }, spec: { controlPlane: { deployment: { replicas: 2 } } } }),
        }),
      );
    });

    ctx.progress(`writes: server-side apply, ${samples} samples per side`);
    await compareOrExplain(ctx, SECTION, 'server-side apply (existing object, force)', async () => {
      await makePool(ctx, sides, namespace, 'apply', samples);
      return sampleSides(ctx, 'writes', sides, samples, (side, index) => {
        const manifest = benchTenantControlPlane(side, namespace, nameOf(side, 'apply', index), { 'bench-step': 'applied' });
        manifest.spec.controlPlane.deployment.replicas = 3;
        return side.client.request(`${side.object(namespace, nameOf(side, 'apply', index))}?fieldManager=bench&force=true`, {
          method: 'PATCH',
          contentType: 'application/apply-patch+yaml',
          body: JSON.stringify(manifest),
        });
      });
    });

    ctx.progress(`writes: delete, ${samples} samples per side`);
    await compareOrExplain(ctx, SECTION, 'delete', () =>
      sampleSides(ctx, 'writes', sides, samples, (side, index) =>
        side.client.request(side.object(namespace, nameOf(side, 'create', index)), { method: 'DELETE' }),
      ),
    );
  } finally {
    ctx.progress('writes: deleting the objects');
    await removeNamespace(api.cluster.admin, [api.aggregated, api.crd], namespace);
  }
}
