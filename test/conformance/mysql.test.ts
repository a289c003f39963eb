// The storage conformance suite against a real MariaDB (Debian's package, started for this run and
// restartable for the suite's restart test), plus the MySQL driver's configuration checks.
// What both SQL drivers do beyond the suite (faults, compaction, schema, TLS) is in sql-faults.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMySqlStorage } from '../../src/storage/mysql.ts';
import type { Storage } from '../../src/storage/storage.ts';
import type { SqlDatastore } from '../support/datastore.ts';
import { LOOPBACK } from '../support/network.ts';
import { startMariaDB } from '../support/mariadb.ts';
import { describeStorageConformance } from './storage-suite.ts';

describe('mysql (MariaDB)', () => {
  let server: SqlDatastore;
  let databases = 0;
  const urls = new WeakMap<Storage, string>();

  beforeAll(async () => {
    server = await startMariaDB({ host: LOOPBACK });
  });
  afterAll(async () => server?.stop());

  /** A new empty database on the server; each store gets its own, so their revisions are their own. */
  const newDatabase = (): Promise<string> => server.createDatabase(`kamaji_${process.pid}_${++databases}`);

  async function open(url: string): Promise<Storage> {
    const store = await openMySqlStorage({ url, poolSize: 4, compactIntervalMs: 0, pollIntervalMs: 20 });
    urls.set(store, url);
    return store;
  }

  describeStorageConformance('mysql', {
    create: async () => open(await newDatabase()),
    replica: async (store) => open(urls.get(store)!),
    restartBackend: () => server.restart(500),
  });

  it('names the field when the configuration is wrong, without echoing the URL', async () => {
    await expect(openMySqlStorage({ url: 'postgres://u:secret@h/db' })).rejects.toThrow(/url must start with mysql:\/\/ or mariadb:\/\//);
    await expect(openMySqlStorage({ url: 'mysql://u:secret@h/' })).rejects.toThrow(/url must name the database/);
    await expect(openMySqlStorage({ url: await newDatabase(), pollIntervalMs: 0 })).rejects.toThrow(/pollIntervalMs must be a positive integer/);
    await expect(openMySqlStorage({ url: await newDatabase(), compactIntervalMs: -1 })).rejects.toThrow(
      /compactIntervalMs must be a non-negative integer/,
    );
  });
});
