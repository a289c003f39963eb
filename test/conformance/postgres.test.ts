// The storage conformance suite against a real PostgreSQL (Debian's package, started for this run,
// restartable for the suite's restart test), plus what is particular to the PostgreSQL driver:
// schema versioning and refusal, configuration errors.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCertificateAuthority, issueCertificate } from '../../src/pki/index.ts';
import { StorageUnavailableError } from '../../src/storage/errors.ts';
import { openPostgresStorage } from '../../src/storage/postgres.ts';
import { IncompatibleSchemaError } from '../../src/storage/sql/schema.ts';
import type { Storage } from '../../src/storage/storage.ts';
import { startRestartablePostgres, type RestartableDatabase } from './sql-databases.ts';
import { describeStorageConformance } from './storage-suite.ts';

describe('postgres', () => {
  let server: RestartableDatabase;
  let databases = 0;
  const urls = new WeakMap<Storage, string>();

  beforeAll(async () => {
    server = await startRestartablePostgres();
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

  it('creates its schema once, and a second start on it finds version 1', async () => {
    const url = await newDatabase();
    const first = await open(url);
    const second = await open(url);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      expect((await client.query('SELECT version FROM kamaji_schema_version')).rows).toEqual([{ version: 1 }]);
    } finally {
      await client.end();
      await Promise.all([first.close(), second.close()]);
    }
  });

  it('refuses a schema from a newer version, and tables it did not create, with a clear message', async () => {
    const url = await newDatabase();
    await (await open(url)).close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const foreign = await newDatabase();
    const foreignClient = new pg.Client({ connectionString: foreign });
    await foreignClient.connect();
    try {
      await client.query('UPDATE kamaji_schema_version SET version = 99');
      const newer = await open(url).catch((error: unknown) => error);
      expect(newer).toBeInstanceOf(IncompatibleSchemaError);
      expect((newer as Error).message).toMatch(/version 99, written by a newer Kamaji-TS/);
      expect((newer as Error).message).not.toContain(server.password);

      await foreignClient.query('CREATE TABLE kamaji_log (id INTEGER)');
      const strange = await open(foreign).catch((error: unknown) => error);
      expect(strange).toBeInstanceOf(IncompatibleSchemaError);
      expect((strange as Error).message).toMatch(/kamaji_log but no kamaji_schema_version/);
    } finally {
      await Promise.all([client.end(), foreignClient.end()]);
    }
  });

  it('names the field when the configuration is wrong, without echoing the password', async () => {
    await expect(openPostgresStorage({ url: 'mysql://u:secret@h/db' })).rejects.toThrow(/url must start with postgres:\/\//);
    await expect(openPostgresStorage({ url: await newDatabase(), poolSize: 0 })).rejects.toThrow(/poolSize must be a positive integer/);
    const wrong = new URL(await newDatabase());
    wrong.password = 'not-the-password';
    const error = await openPostgresStorage({ url: wrong.href }).catch((caught: unknown) => caught);
    expect((error as Error).name).toBe('StorageUnavailableError');
    expect((error as Error).message).not.toContain('not-the-password');
  });
});

describe('postgres over TLS', () => {
  const ca = createCertificateAuthority({ commonName: 'throwaway-postgres-ca' });
  const serving = issueCertificate(ca, { commonName: 'postgres', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], usages: ['server'] });
  let server: RestartableDatabase;
  let dir: string;

  beforeAll(async () => {
    // The server accepts TLS connections only (hostssl), so every success below went over TLS.
    server = await startRestartablePostgres({ tls: { cert: serving.certificate, key: serving.privateKey } });
    dir = await mkdtemp(join(tmpdir(), 'kamaji-pg-tls-'));
  });
  afterAll(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('verifies the server against the CA (PEM or file) and serves reads, writes and watches over TLS', async () => {
    const url = await server.createDatabase('tls_store');
    const caFile = join(dir, 'ca.crt');
    await writeFile(caFile, ca.certificate);
    for (const tls of [{ ca: ca.certificate }, { ca: caFile }]) {
      const store = await openPostgresStorage({ url, tls, compactIntervalMs: 0 });
      try {
        const events: string[] = [];
        const watch = await store.watch({ prefix: '/tls/', afterRevision: await store.currentRevision() }, {
          onEvent: (event) => events.push(event.key),
          onError: () => {},
        });
        const key = `/tls/${tls.ca === caFile ? 'from-file' : 'from-pem'}`;
        await store.create(key, Buffer.from('over tls'));
        expect(Buffer.from((await store.get(key))!.value).toString()).toBe('over tls');
        await vi.waitFor(() => expect(events).toEqual([key]), { timeout: 15_000 });
        watch.close();
      } finally {
        await store.close();
      }
    }
  });

  it('refuses to connect without TLS, or to a server whose certificate another CA signed', async () => {
    const url = await server.createDatabase('tls_refused');
    await expect(openPostgresStorage({ url })).rejects.toBeInstanceOf(StorageUnavailableError);
    const other = createCertificateAuthority({ commonName: 'someone-else' });
    await expect(openPostgresStorage({ url, tls: { ca: other.certificate } })).rejects.toBeInstanceOf(StorageUnavailableError);
    await expect(openPostgresStorage({ url, tls: { ca: join(dir, 'missing.crt') } })).rejects.toThrow(/tls.ca is neither PEM text nor a readable file/);
  });
});
