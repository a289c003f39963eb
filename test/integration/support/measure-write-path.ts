// Storage calls and CPU per write request on the registry, as a replica serves them (every kind,
// the DataStore admission hooks), without a cluster: the figures behind the benchmark's write gap.
//
//   node test/integration/support/measure-write-path.ts            # memory storage
//   node test/integration/support/measure-write-path.ts --etcd=http://127.0.0.1:23790   # a running etcd, e.g.
//     .cache/bin/etcd --data-dir=$(mktemp -d) --listen-client-urls=http://127.0.0.1:23790 \
//       --advertise-client-urls=http://127.0.0.1:23790 --listen-peer-urls=http://127.0.0.1:23800
//   node test/integration/support/measure-write-path.ts --no-admission   # the registry alone
//   node test/integration/support/measure-write-path.ts --watchers=100 --only=create   # and 100 watchers
//   node --cpu-prof --cpu-prof-dir=/tmp/prof test/integration/support/measure-write-path.ts --only=apply-existing
//
// Prints, per operation: storage calls per request (get, list, create, update, delete), CPU ms per
// request (user+system of this process, so on etcd it includes the client's work, not etcd's) and
// wall ms. Requests run one after another; the tcps accumulate (the DataStore admission lists them
// all on every create, so its cost grows with their number).
import { allDeclarations } from '../../../src/apis/index.ts';
import type { KubeObject, UserInfo } from '../../../src/apis/meta.ts';
import pino from 'pino';
import { Registry } from '../../../src/registry/registry.ts';
import { createResourceStore } from '../../../src/registry/resource-store.ts';
import type { ResourceStore } from '../../../src/registry/store.ts';
import { createStorage, instrumentStorage, type Storage } from '../../../src/storage/index.ts';
import { createTenancyRegistry } from '../../../src/tenancy-registry.ts';

const user: UserInfo = { username: 'admin', groups: ['system:masters'] };
const apiVersion = 'tenancy.kamaji.io/v1alpha1';
const namespace = 'bench';
const args = process.argv.slice(2);
const etcdEndpoint = args.find((a) => a.startsWith('--etcd='))?.slice('--etcd='.length);
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const withAdmission = !args.includes('--no-admission');
const watchers = Number(args.find((a) => a.startsWith('--watchers='))?.slice('--watchers='.length) ?? 0);
const samples = Number(args.find((a) => a.startsWith('--samples='))?.slice('--samples='.length) ?? 200);

const counts = new Map<string, number>();
function counting(storage: Storage): Storage {
  return instrumentStorage(storage, (operation) => counts.set(operation, (counts.get(operation) ?? 0) + 1));
}

function tcp(name: string, finalizers: string[] = []): KubeObject {
  return {
    apiVersion,
    kind: 'TenantControlPlane',
    metadata: { name, namespace, labels: { bench: 'write-path' }, ...(finalizers.length ? { finalizers } : {}) },
    spec: {
      dataStore: 'default',
      controlPlane: { deployment: { replicas: 2 }, service: { serviceType: 'ClusterIP' } },
      kubernetes: { version: 'v1.33.0', kubelet: { cgroupfs: 'systemd' } },
    },
  } as unknown as KubeObject;
}

const dataStore = {
  apiVersion,
  kind: 'DataStore',
  metadata: { name: 'default' },
  spec: { driver: 'PostgreSQL', endpoints: ['db.example.com:5432'], basicAuth: { username: { content: 'a2FtYWpp' }, password: { content: 'c2VjcmV0' } } },
};

interface Operation {
  name: string;
  /** Untimed preparation of sample i (objects the operation needs). */
  prepare?: (i: number) => Promise<void>;
  run: (i: number) => Promise<unknown>;
}

function operations(tcps: ResourceStore): Operation[] {
  const options = { user, fieldManager: 'bench' };
  const applyOptions = { user, fieldManager: 'kubectl', force: true };
  const create = (name: string, finalizers: string[] = []) => tcps.create(namespace, tcp(name, finalizers), options);
  const fetched = new Map<number, KubeObject>();
  return [
    { name: 'create', run: (i) => create(`c-${i}`) },
    {
      name: 'update (PUT)',
      // The client's GET is a request of its own.
      prepare: async (i) => {
        const { object } = await create(`u-${i}`);
        fetched.set(i, object);
      },
      run: (i) => {
        const object = fetched.get(i)!;
        object.metadata.labels = { ...object.metadata.labels, updated: 'yes' };
        return tcps.update(namespace, `u-${i}`, object, options);
      },
    },
    {
      name: 'merge patch',
      prepare: (i) => create(`m-${i}`).then(() => undefined),
      run: (i) => tcps.patch(namespace, `m-${i}`, 'merge', JSON.stringify({ metadata: { labels: { patched: 'yes' } } }), options),
    },
    { name: 'apply (creates)', run: (i) => tcps.patch(namespace, `a-${i}`, 'apply', JSON.stringify(tcp(`a-${i}`)), applyOptions) },
    {
      name: 'apply-existing',
      prepare: (i) => tcps.patch(namespace, `e-${i}`, 'apply', JSON.stringify(tcp(`e-${i}`)), applyOptions).then(() => undefined),
      run: (i) => {
        const changed = tcp(`e-${i}`);
        changed.metadata.labels = { ...changed.metadata.labels, applied: 'again' };
        return tcps.patch(namespace, `e-${i}`, 'apply', JSON.stringify(changed), applyOptions);
      },
    },
    {
      name: 'delete',
      prepare: (i) => create(`d-${i}`).then(() => undefined),
      run: (i) => tcps.delete(namespace, `d-${i}`, { user }),
    },
    {
      name: 'delete with finalizer (marks)',
      prepare: (i) => create(`f-${i}`, ['example.com/hold']).then(() => undefined),
      run: (i) => tcps.delete(namespace, `f-${i}`, { user }),
    },
    {
      name: 'finalizer removed (deletes)',
      prepare: async (i) => {
        await create(`r-${i}`, ['example.com/hold']);
        await tcps.delete(namespace, `r-${i}`, { user });
      },
      run: (i) => tcps.patch(namespace, `r-${i}`, 'merge', JSON.stringify({ metadata: { finalizers: null } }), options),
    },
  ];
}

async function main(): Promise<void> {
  const prefix = `/measure-${process.pid}-${Date.now()}/`;
  const raw = await createStorage(etcdEndpoint ? { driver: 'etcd', endpoints: [etcdEndpoint], prefix } : { driver: 'memory' });
  const storage = counting(raw);
  const defaulting = { defaultDataStore: 'default' };
  // As the server builds it, or (--no-admission) the bare stores without the DataStore admission.
  const tenancy = withAdmission
    ? createTenancyRegistry({ storage, defaulting, logger: pino({ level: 'silent' }) })
    : { registry: new Registry(allDeclarations.map((declaration) => ({ store: createResourceStore(declaration, storage, { defaulting }) }))), close: () => {} };
  const { registry } = tenancy;
  await registry.whenReady();
  await registry.resource('datastores')!.store.create(undefined, dataStore, { user });
  const tcps = registry.resource('tenantcontrolplanes')!.store;
  // Watchers that serialize every event, as a watch stream does; their work is counted in the
  // request's CPU by waiting for the deliveries to settle (memory storage delivers in-process).
  let delivered = 0;
  const subscriptions = await Promise.all(
    Array.from({ length: watchers }, () => tcps.watch({ namespace, resourceVersion: '0' }, (event) => void (delivered += JSON.stringify(event).length > 0 ? 1 : 0))),
  );
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  console.log(
    `driver ${etcdEndpoint ? 'etcd' : 'memory'}, ${samples} samples per operation, DataStore admission ${withAdmission ? 'on' : 'off'}, ${watchers} watchers`,
  );
  console.log(['operation', 'get', 'list', 'create', 'update', 'delete', 'CPU ms', 'wall ms'].join('\t'));
  for (const operation of operations(tcps)) {
    if (only && operation.name !== only) continue;
    // Warm-up, so the JIT has compiled the path before it is measured.
    for (let i = 0; i < 20; i++) {
      await operation.prepare?.(-1 - i);
      await operation.run(-1 - i);
    }
    const totals = new Map<string, number>();
    let cpu = 0;
    let wall = 0;
    for (let i = 0; i < samples; i++) {
      await operation.prepare?.(i);
      counts.clear();
      const start = process.cpuUsage();
      const started = performance.now();
      await operation.run(i);
      if (watchers > 0) await settle();
      wall += performance.now() - started;
      const used = process.cpuUsage(start);
      cpu += (used.user + used.system) / 1000;
      for (const [name, count] of counts) totals.set(name, (totals.get(name) ?? 0) + count);
    }
    const per = (name: string) => ((totals.get(name) ?? 0) / samples).toFixed(2);
    console.log([operation.name, per('get'), per('list'), per('create'), per('update'), per('delete'), (cpu / samples).toFixed(3), (wall / samples).toFixed(3)].join('\t'));
  }
  for (const subscription of subscriptions) subscription.close();
  if (watchers > 0) console.log(`${delivered} events delivered to ${watchers} watchers`);
  tenancy.close();
  registry.close();
  await storage.close();
}

await main();
