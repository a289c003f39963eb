// "etcd API on SQL" as a tested option: the etcd driver, unchanged, against kine (the binary built by
// `bash hack/build.sh kine`) on SQLite and on a real PostgreSQL, through the same conformance suite.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe } from 'vitest';
import { EtcdStorage } from '../../src/storage/etcd.ts';
import { BIN_DIR } from '../e2e/support/cluster.ts';
import { freePort, startPostgres, type Datastore, type SqlCredentials } from '../e2e/support/datastores.ts';
import { describeStorageConformance } from './storage-suite.ts';

interface Kine {
  endpoint: string;
  stop(): Promise<void>;
}

let stores = 0;
const uniquePrefix = (): string => `/kamaji-kine-conformance/${process.pid}-${++stores}/`;

/** Starts kine in front of `datastoreEndpoint` and waits until it answers etcd requests. */
async function startKine(datastoreEndpoint: string): Promise<Kine> {
  const binary = join(BIN_DIR, 'kine');
  if (!existsSync(binary)) throw new Error(`${binary} is missing: run 'bash hack/build.sh kine'`);
  const port = await freePort('127.0.0.1');
  const endpoint = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    binary,
    ['--endpoint', datastoreEndpoint, '--listen-address', `127.0.0.1:${port}`, '--metrics-bind-address', '0'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const client = new Etcd3({ hosts: endpoint, dialTimeout: 1_000 });
  try {
    for (let attempt = 0; ; attempt++) {
      if (child.exitCode !== null) throw new Error(`kine exited with ${child.exitCode}:\n${output}`);
      try {
        await client.get('/kamaji-kine-readiness').string();
        break;
      } catch (error) {
        if (attempt > 120) throw new Error(`kine did not answer: ${String(error)}\n${output}`);
        await new Promise((done) => setTimeout(done, 250));
      }
    }
  } finally {
    client.close();
  }
  return {
    endpoint,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function describeOnKine(name: string, start: () => Promise<Kine>): void {
  describe(name, () => {
    let kine: Kine;
    beforeAll(async () => {
      kine = await start();
    });
    afterAll(async () => kine?.stop());

    describeStorageConformance(name, {
      create: async () => new EtcdStorage({ endpoints: [kine.endpoint], prefix: uniquePrefix() }),
      replica: async (store) => new EtcdStorage({ endpoints: [kine.endpoint], prefix: (store as EtcdStorage).prefix }),
    });
  });
}

describe('etcd driver on kine', () => {
  let sqliteDir: string;
  let postgres: Datastore<SqlCredentials> | undefined;

  beforeAll(() => {
    sqliteDir = mkdtempSync(join(tmpdir(), 'kamaji-kine-sqlite-'));
  });
  afterAll(async () => {
    rmSync(sqliteDir, { recursive: true, force: true });
    await postgres?.stop();
  });

  describeOnKine('kine on SQLite', () => startKine(`sqlite://${join(sqliteDir, 'state.db')}?_journal=WAL&cache=shared`));

  describeOnKine('kine on PostgreSQL', async () => {
    postgres = await startPostgres();
    const url = new URL(postgres.endpoint);
    url.pathname = '/kine';
    url.searchParams.set('sslmode', 'disable');
    return startKine(url.href);
  });
});
