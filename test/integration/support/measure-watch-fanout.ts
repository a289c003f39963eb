// CPU per create with N watch streams open: the registry and watch cache, and each watcher's
// HTTP stream (src/apiserver/watch-stream.ts) writing into a response that encodes what it is
// given as a socket would (strings to UTF-8 bytes) and drops it, so TLS and the kernel stay out.
//
//   node test/integration/support/measure-watch-fanout.ts [--watchers=100] [--samples=200] [--accept=json|metadata]
//   node --cpu-prof --cpu-prof-dir=/tmp/prof test/integration/support/measure-watch-fanout.ts
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { allDeclarations } from '../../../src/apis/index.ts';
import type { KubeObject, UserInfo } from '../../../src/apis/meta.ts';
import { negotiateOutput, WATCH_ENDPOINT } from '../../../src/apiserver/negotiation.ts';
import { watchEventEncoder } from '../../../src/apiserver/transform.ts';
import { streamWatch, WatchTracker } from '../../../src/apiserver/watch-stream.ts';
import { Registry } from '../../../src/registry/registry.ts';
import { createResourceStore } from '../../../src/registry/resource-store.ts';
import { createStorage } from '../../../src/storage/index.ts';
import { tenantControlPlane } from './server.ts';

const args = process.argv.slice(2);
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const watchers = Number(option('watchers') ?? 100);
const samples = Number(option('samples') ?? 200);
const accept = option('accept') === 'metadata' ? 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1' : 'application/json';
const user: UserInfo = { username: 'admin', groups: ['system:masters'] };
const namespace = 'bench';

/** A response that turns each write into bytes, as a socket does, and counts them. */
class DiscardingResponse extends EventEmitter {
  bytes = 0;
  frames = 0;
  writableEnded = false;
  readonly writableLength = 0;
  writeHead(): this {
    return this;
  }
  flushHeaders(): void {}
  write(chunk: string | Uint8Array): boolean {
    this.bytes += (typeof chunk === 'string' ? Buffer.from(chunk) : chunk).length;
    this.frames++;
    return true;
  }
  end(): void {
    this.writableEnded = true;
    this.emit('close');
  }
}

const storage = await createStorage({ driver: 'memory' });
const registry = new Registry(allDeclarations.map((declaration) => ({ store: createResourceStore(declaration, storage, { defaulting: { defaultDataStore: 'default' } }) })));
await registry.whenReady();
const resource = registry.resource('tenantcontrolplanes')!;
const output = negotiateOutput(accept, WATCH_ENDPOINT);
const tracker = new WatchTracker();
const responses = Array.from({ length: watchers }, () => new DiscardingResponse());
const streams = responses.map((res) =>
  streamWatch({
    store: resource.store,
    request: { namespace, resourceVersion: '0' },
    timeoutSeconds: 3600,
    req: new EventEmitter() as IncomingMessage,
    res: res as unknown as ServerResponse,
    tracker,
    encode: watchEventEncoder({ output, columns: resource.declaration.printerColumns, includeObject: 'Metadata' }),
  }),
);
const settle = () => new Promise((resolve) => setImmediate(resolve));
await settle();

const create = (i: number) => resource.store.create(namespace, tenantControlPlane(`c-${i}`, namespace) as unknown as KubeObject, { user, fieldManager: 'bench' });
for (let i = 0; i < 20; i++) {
  await create(-1 - i);
  await settle();
}
let cpu = 0;
for (let i = 0; i < samples; i++) {
  const start = process.cpuUsage();
  await create(i);
  await settle();
  const used = process.cpuUsage(start);
  cpu += (used.user + used.system) / 1000;
}
const frames = responses.reduce((sum, r) => sum + r.frames, 0);
console.log(`${watchers} watch streams (${accept}), ${samples} creates: ${(cpu / samples).toFixed(3)} CPU ms per create; ${frames} frames written`);
tracker.closeAll();
await Promise.all(streams);
registry.close();
await storage.close();
