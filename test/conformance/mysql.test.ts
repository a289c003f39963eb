// The storage conformance suite against a real MariaDB (Debian's package, started for this run,
// restartable for the suite's restart test), plus what is particular to the MySQL driver: schema
// versioning and refusal, configuration errors.
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCertificateAuthority, issueCertificate } from '../../src/pki/index.ts';
import { StorageUnavailableError } from '../../src/storage/errors.ts';
import { openMySqlStorage } from '../../src/storage/mysql.ts';
import { IncompatibleSchemaError } from '../../src/storage/sql/schema.ts';
import type { Storage } from '../../src/storage/storage.ts';
import { startRestartableMariaDB, type RestartableDatabase } from './sql-databases.ts';
import { describeStorageConformance } from './storage-suite.ts';

describe('mysql (MariaDB)', () => {
  let server: RestartableDatabase;
  let admin: mysql.Connection;
  let databases = 0;
  const urls = new WeakMap<Storage, string>();

  beforeAll(async () => {
    server = await startRestartableMariaDB();
    const url = new URL(await server.createDatabase(`kamaji_${process.pid}_admin`));
    admin = await mysql.createConnection(url.href);
  });
  afterAll(async () => {
    await admin?.end();
    await server?.stop();
  });

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
    restartBackend: async () => {
      await admin.end();
      await server.restart(500);
      admin = await mysql.createConnection(await newDatabase());
    },
  });

  it('creates its schema once, and a second start on it finds version 1', async () => {
    const url = await newDatabase();
    const first = await open(url);
    const second = await open(url);
    const [rows] = await admin.query(`SELECT version FROM ${new URL(url).pathname.slice(1)}.kamaji_schema_version`);
    expect(rows).toEqual([{ version: 1 }]);
    await Promise.all([first.close(), second.close()]);
  });

  it('refuses a schema from a newer version, and tables it did not create, with a clear message', async () => {
    const url = await newDatabase();
    await (await open(url)).close();
    const database = new URL(url).pathname.slice(1);
    await admin.query(`UPDATE ${database}.kamaji_schema_version SET version = 99`);
    const newer = await open(url).catch((error: unknown) => error);
    expect(newer).toBeInstanceOf(IncompatibleSchemaError);
    expect((newer as Error).message).toMatch(/version 99, written by a newer Kamaji-TS/);

    const foreign = await newDatabase();
    await admin.query(`CREATE TABLE ${new URL(foreign).pathname.slice(1)}.kamaji_log (id INTEGER)`);
    const strange = await open(foreign).catch((error: unknown) => error);
    expect(strange).toBeInstanceOf(IncompatibleSchemaError);
    expect((strange as Error).message).toMatch(/kamaji_log but no kamaji_schema_version/);
  });

  it('names the field when the configuration is wrong, without echoing the password', async () => {
    await expect(openMySqlStorage({ url: 'postgres://u:secret@h/db' })).rejects.toThrow(/url must start with mysql:\/\//);
    await expect(openMySqlStorage({ url: await newDatabase(), pollIntervalMs: 0 })).rejects.toThrow(/pollIntervalMs/);
    const wrong = new URL(await newDatabase());
    wrong.password = 'not-the-password';
    const error = await openMySqlStorage({ url: wrong.href }).catch((caught: unknown) => caught);
    expect((error as Error).name).toBe('StorageUnavailableError');
    expect((error as Error).message).not.toContain('not-the-password');
  });
});

describe('mysql (MariaDB) over TLS', () => {
  const ca = createCertificateAuthority({ commonName: 'throwaway-mariadb-ca' });
  const serving = issueCertificate(ca, { commonName: 'mariadb', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], usages: ['server'] });
  let server: RestartableDatabase;

  beforeAll(async () => {
    // The user REQUIRE SSL, so every success below went over TLS.
    server = await startRestartableMariaDB({ tls: { cert: serving.certificate, key: serving.privateKey } });
  });
  afterAll(async () => server?.stop());

  it('verifies the server against the CA and serves reads, writes and watches over TLS', async () => {
    const url = await server.createDatabase('tls_store');
    const store = await openMySqlStorage({ url, tls: { ca: ca.certificate }, compactIntervalMs: 0 });
    try {
      const events: string[] = [];
      const watch = await store.watch({ prefix: '/tls/', afterRevision: await store.currentRevision() }, {
        onEvent: (event) => events.push(event.key),
        onError: () => {},
      });
      await store.create('/tls/a', Buffer.from('over tls'));
      expect(Buffer.from((await store.get('/tls/a'))!.value).toString()).toBe('over tls');
      await vi.waitFor(() => expect(events).toEqual(['/tls/a']), { timeout: 15_000 });
      watch.close();
    } finally {
      await store.close();
    }
  });

  it('refuses to connect without TLS, or to a server whose certificate another CA signed', async () => {
    const url = await server.createDatabase('tls_refused');
    await expect(openMySqlStorage({ url })).rejects.toBeInstanceOf(StorageUnavailableError);
    const other = createCertificateAuthority({ commonName: 'someone-else' });
    await expect(openMySqlStorage({ url, tls: { ca: other.certificate } })).rejects.toBeInstanceOf(StorageUnavailableError);
  });
});
