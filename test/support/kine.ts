// kine (the binary `bash hack/build.sh kine` puts in the project's cache) in front of a datastore,
// serving the etcd API on 127.0.0.1.
//
//   const kine = await startKine(`sqlite://${path}`);           // or a postgres:// / mysql:// URL
//   const kine = await startKine(url, ['--compact-min-retain', '0']);
//   ... new Etcd3({ hosts: kine.endpoint }) ...
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { BIN_DIR } from '../e2e/support/cluster.ts';
import type { Datastore } from './datastore.ts';
import { freePort, LOOPBACK } from './network.ts';
import { startServerProcess } from './server-process.ts';

/** kine's credentials are those of the datastore behind it. */
export type Kine = Datastore<undefined>;

/** Starts kine in front of `datastoreEndpoint` (with `args` added) and waits until it answers etcd requests. */
export async function startKine(datastoreEndpoint: string, args: readonly string[] = []): Promise<Kine> {
  const binary = join(BIN_DIR, 'kine');
  if (!existsSync(binary)) throw new Error(`${binary} is missing: run 'bash hack/build.sh kine'`);
  const port = await freePort(LOOPBACK);
  const endpoint = `http://${LOOPBACK}:${port}`;
  const server = await startServerProcess({
    what: `kine at ${endpoint}`,
    command: binary,
    args: ['--endpoint', datastoreEndpoint, '--listen-address', `${LOOPBACK}:${port}`, '--metrics-bind-address', '0', ...args],
    ready: async () => {
      const client = new Etcd3({ hosts: endpoint, dialTimeout: 1_000 });
      try {
        await client.get('/kamaji-kine-readiness').string();
        return true;
      } finally {
        client.close();
      }
    },
    stopSignal: 'SIGTERM',
  });
  return { endpoint, host: LOOPBACK, port, credentials: undefined, ...server };
}
