// The storage conformance suite against a real PostgreSQL (Debian's package, started for this run and
// restartable for the suite's restart test), plus the PostgreSQL driver's configuration checks.
// What both SQL drivers do beyond the suite (faults, compaction, schema, TLS) is in sql-faults.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStorage } from '../../src/storage/postgres.ts';
import type { Storage } from '../../src/storage/storage.ts';
import type { SqlDatastore } from '../support/datastore.ts';
import { LOOPBACK } from '../support/network.ts';
import { startPostgres } from '../support/postgres.ts';
import { describeStorageConformance } from './storage-suite.ts';

describe('postgres', () => {
  let server: SqlDatastore;
  let databases = 0;
  const urls = new WeakMap<Storage, string>();

  beforeAll(async () => {
    server = await startPostgres({ host: LOOPBACK });
  });
  afterAll(async () => server?.stop());

  /** A new empty database on the server; each store gets its own, so their revisions are their own. */
  const newDatabase = (): Promise<string> => server.createDatabase(`kamaji_${process.pid}_${++databases}`);

  async function open(url: string): Promise<Storage> {
    const store = await openPostgresStorage({ url, poolSize: 4, compactIntervalMs: 0 });
    urls.set(store, url);
    return store;
  }

  describeStorageConformance('postgres', {
    create: async () => open(await newDatabase()),
    replica: async (store) => open(urls.get(store)!),
    restartBackend: () => server.restart(500),
  });

  it('names the field when the configuration is wrong, without echoing the URL', async () => {
    await expect(openPostgresStorage({ url: 'mysql://u:secret@h/db' })).rejects.toThrow(/url must start with postgres:\/\//);
    await expect(openPostgresStorage({ url: 'postgres://u:secret@h' })).rejects.toThrow(/url must name the database/);
    await expect(openPostgresStorage({ url: 'not a url secret' })).rejects.toThrow(/^postgres storage: url is not a valid URL$/);
    await expect(openPostgresStorage({ url: await newDatabase(), poolSize: 0 })).rejects.toThrow(/poolSize must be a positive integer/);
    await expect(openPostgresStorage({ url: await newDatabase(), tls: { ca: 'x', cert: 'y' } })).rejects.toThrow(
      /tls.cert and tls.key must be given together/,
    );
  });
});
