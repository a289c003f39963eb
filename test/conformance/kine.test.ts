// "etcd API on SQL" as a tested option: the etcd driver, unchanged, against kine (the binary built by
// `bash hack/build.sh kine`) on SQLite and on a real PostgreSQL, through the same conformance suite.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { EtcdStorage } from '../../src/storage/etcd.ts';
import { startPostgres, type Datastore, type SqlCredentials } from '../e2e/support/datastores.ts';
import { startKine, type Kine } from './sql-databases.ts';
import { describeStorageConformance } from './storage-suite.ts';

let stores = 0;
const uniquePrefix = (): string => `/kamaji-kine-conformance/${process.pid}-${++stores}/`;

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
