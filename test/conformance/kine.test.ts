// "etcd API on SQL" as a tested option: the etcd driver, unchanged, against kine (the binary built by
// `bash hack/build.sh kine`) on SQLite and on a real PostgreSQL, through the same conformance suite.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { EtcdStorage } from '../../src/storage/etcd.ts';
import type { Datastore, SqlCredentials } from '../support/datastore.ts';
import { startKine, type Kine } from '../support/kine.ts';
import { startPostgres } from '../support/postgres.ts';
import { describeStorageConformance } from './storage-suite.ts';

/**
 * kine never compacts the newest 1000 revisions unless told otherwise; the suite compacts at exact
 * revisions, as the apiserver may. (Its automatic compaction stays off, so Compact requests are served.)
 */
const KINE_ARGS = ['--compact-min-retain', '0'];

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
      quirks: { deleteEventsWithoutCreateRevision: true },
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

  // kine's own default SQLite parameters (busy timeout, immediate transactions), which a path given
  // without them would lose.
  const sqliteParams = '_journal_mode=WAL&_busy_timeout=30000&_synchronous=NORMAL&_txlock=immediate&_stmt_cache_size=20&cache=shared';
  describeOnKine('kine on SQLite', () => startKine(`sqlite://${join(sqliteDir, 'state.db')}?${sqliteParams}`, KINE_ARGS));

  describeOnKine('kine on PostgreSQL', async () => {
    postgres = await startPostgres();
    const url = new URL(postgres.endpoint);
    url.pathname = '/kine';
    url.searchParams.set('sslmode', 'disable');
    return startKine(url.href, KINE_ARGS);
  });
});
