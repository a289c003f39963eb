// What the SQL drivers must do beyond the conformance suite, each against real PostgreSQL and MariaDB:
// - survive faults without losing, repeating or reordering a watch event: revisions that commit out
//   of order (a writer holds revision N open while N+1 commits) or are drawn and abandoned, creates
//   racing compaction across replicas, a replica cut off while another compacts past its watch, and
//   the database restarting under running watches while two server processes write at once;
// - compact in the background;
// - create, version and refuse schemas;
// - talk TLS to the database, verifying it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openMySqlStorage } from '../../src/storage/mysql.ts';
import { openPostgresStorage } from '../../src/storage/postgres.ts';
import { createCertificateAuthority, issueCertificate } from '../../src/pki/index.ts';
import { CompactedError, StorageUnavailableError } from '../../src/storage/errors.ts';
import type { SqlStorageConfig } from '../../src/storage/sql/config.ts';
import { IncompatibleSchemaError } from '../../src/storage/sql/schema.ts';
import type { StorageWatchEvent } from '../../src/storage/storage.ts';
import type { RawConnection, ServerTls, SqlDatastore } from '../support/datastore.ts';
import { startMariaDB } from '../support/mariadb.ts';
import { LOOPBACK } from '../support/network.ts';
import { startPostgres } from '../support/postgres.ts';

const REPO_ROOT = resolve(import.meta.dirname, '../..');

// ------------------------------------------------------------------ what a watch saw

interface SeenEvent {
  type: string;
  key: string;
  revision: number;
}

const seen = (event: StorageWatchEvent): SeenEvent => ({ type: event.type, key: event.key, revision: event.modRevision });

/** Every write under `prefix` after `after`, straight from the log table: what each watch must have seen. */
async function loggedEvents(raw: RawConnection, prefix: string, after: number): Promise<SeenEvent[]> {
  const rows = await raw.query('SELECT id, name, deleted FROM kamaji_log WHERE id > ? ORDER BY id', [after]);
  return rows
    .map((row) => ({
      type: Number(row['deleted']) === 1 || row['deleted'] === true ? 'delete' : 'put',
      key: Buffer.isBuffer(row['name']) ? row['name'].toString('utf8') : String(row['name']),
      revision: Number(row['id']),
    }))
    .filter((event) => event.key.startsWith(prefix));
}

class Recorder {
  readonly events: StorageWatchEvent[] = [];
  readonly errors: Error[] = [];
  readonly listener = { onEvent: (event: StorageWatchEvent) => this.events.push(event), onError: (error: Error) => this.errors.push(error) };
  keys(): string[] {
    return this.events.map((event) => event.key);
  }
}

// ------------------------------------------------------------------ a cuttable connection

/** A TCP relay to the database that can cut every connection and refuse new ones, like a partition. */
async function startRelay(target: URL): Promise<{ url(database: string): string; cut(): void; restore(): void; close(): void }> {
  const sockets = new Set<Socket>();
  let open = true;
  const server = createServer((client) => {
    if (!open) return client.destroy();
    const upstream = connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const port = (server.address() as { port: number }).port;
  return {
    url(database) {
      const url = new URL(target.href);
      url.port = String(port);
      url.pathname = `/${database}`;
      return url.href;
    },
    cut() {
      open = false;
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      open = true;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

// ------------------------------------------------------------------ writer processes

// A second and third "server process": each opens its own storage on the database, watches the
// prefix, writes (create, update, and delete every third key) until told to stop, retrying through
// outages the way the registry would, and finally reports what its watch saw.
const WRITER = `
const { openPostgresStorage } = await import(${JSON.stringify(pathToFileURL(join(REPO_ROOT, 'src/storage/postgres.ts')).href)});
const { openMySqlStorage } = await import(${JSON.stringify(pathToFileURL(join(REPO_ROOT, 'src/storage/mysql.ts')).href)});
const { DRIVER, URL, PREFIX, WRITER, AFTER } = process.env;
const open = () => DRIVER === 'postgres'
  ? openPostgresStorage({ url: URL, poolSize: 4, compactIntervalMs: 0 })
  : openMySqlStorage({ url: URL, poolSize: 4, compactIntervalMs: 0, pollIntervalMs: 20 });
const store = await open();
const events = [];
const errors = [];
const watch = await store.watch({ prefix: PREFIX, afterRevision: Number(AFTER) }, {
  onEvent: (e) => events.push({ type: e.type, key: e.key, revision: e.modRevision }),
  onError: (e) => errors.push(String(e)),
});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let stopping = false;
let outages = 0;
const acknowledged = [];
// Retries an operation through StorageUnavailableError; 'settle' decides from the current state
// whether a failed attempt had committed after all.
async function retry(attempt, settle) {
  for (;;) {
    try { return await attempt(); } catch (error) {
      if (error.name !== 'StorageUnavailableError') throw error;
      outages++;
      await sleep(100);
      for (;;) {
        try { const done = await settle(); if (done !== undefined) return done; break; }
        catch (again) { if (again.name !== 'StorageUnavailableError') throw again; await sleep(100); }
      }
    }
  }
}
process.on('message', async (message) => {
  if (message.type === 'stop') stopping = true;
  if (message.type === 'collect') {
    for (let i = 0; i < 600 && events.length < message.count && errors.length === 0; i++) await sleep(100);
    watch.close();
    await store.close();
    process.send({ type: 'events', events, errors }, () => process.exit(0));
  }
});
process.send({ type: 'ready' });
for (let i = 0; !stopping; i++) {
  const key = PREFIX + WRITER + '/' + String(i).padStart(5, '0');
  const created = await retry(() => store.create(key, Buffer.from('1')), async () => {
    const current = await store.get(key);
    return current;
  }).catch((error) => error.name === 'KeyExistsError' ? store.get(key) : Promise.reject(error));
  acknowledged.push(created.modRevision);
  const updated = await retry(() => store.update(key, Buffer.from('2'), created.modRevision), async () => {
    const current = await store.get(key);
    return current && Buffer.from(current.value).toString() === '2' ? current : undefined;
  });
  acknowledged.push(updated.modRevision);
  if (i % 3 === 0) {
    const deleted = await retry(() => store.delete(key), async () => (await store.get(key)) === undefined ? { modRevision: 0 } : undefined);
    if (deleted.modRevision > 0) acknowledged.push(deleted.modRevision);
  }
  await sleep(5);
}
process.send({ type: 'written', acknowledged, outages });
`;

interface WriterProcess {
  child: ChildProcess;
  send(message: object): void;
  next<T>(type: string): Promise<T>;
}

function startWriter(env: Record<string, string>): WriterProcess {
  const child = spawn(process.execPath, ['--input-type=module', '-e', WRITER], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const inbox: { type: string }[] = [];
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  const waiting: { type: string; resolve: (message: unknown) => void }[] = [];
  child.on('message', (message: { type: string }) => {
    const index = waiting.findIndex((wait) => wait.type === message.type);
    if (index >= 0) waiting.splice(index, 1)[0]!.resolve(message);
    else inbox.push(message);
  });
  return {
    child,
    send(message: object) {
      if (child.connected) child.send(message);
    },
    next<T>(type: string): Promise<T> {
      const index = inbox.findIndex((message) => message.type === type);
      if (index >= 0) return Promise.resolve(inbox.splice(index, 1)[0] as T);
      if (exited !== undefined) return Promise.reject(new Error(`writer exited with ${exited} before sending ${type}`));
      return new Promise((resolveMessage, reject) => {
        waiting.push({ type, resolve: resolveMessage as (message: unknown) => void });
        child.once('exit', (code) => reject(new Error(`writer exited with ${code} before sending ${type}`)));
      });
    },
  };
}

// ------------------------------------------------------------------ the tests, per database

type DriverOptions = Omit<SqlStorageConfig, 'url'>;

const drivers = [
  {
    name: 'postgres',
    start: (options: { tls?: ServerTls } = {}) => startPostgres({ host: LOOPBACK, ...options }),
    open: (url: string, options: DriverOptions = {}) => openPostgresStorage({ url, poolSize: 4, compactIntervalMs: 0, ...options }),
  },
  {
    name: 'mysql',
    start: (options: { tls?: ServerTls } = {}) => startMariaDB({ host: LOOPBACK, ...options }),
    open: (url: string, options: DriverOptions = {}) =>
      openMySqlStorage({ url, poolSize: 4, compactIntervalMs: 0, pollIntervalMs: 20, ...options }),
  },
] as const;

for (const driver of drivers) {
  describe(`${driver.name} beyond the suite`, () => {
    let database: SqlDatastore;
    let count = 0;
    const newUrl = () => database.createDatabase(`faults_${process.pid}_${++count}`);

    beforeAll(async () => {
      database = await driver.start();
    });
    afterAll(async () => database?.stop());

    it('delivers a revision that commits after a later one, before it, and lists include it', async () => {
      const url = await newUrl();
      const store = await driver.open(url);
      const raw = await database.raw(url);
      try {
        const recorder = new Recorder();
        const watch = await store.watch({ prefix: '/g/', afterRevision: await store.currentRevision() }, recorder.listener);
        await raw.query('BEGIN');
        const slow = await raw.insertCreate('/g/slow', 'slow');
        const fast = await store.create('/g/fast', Buffer.from('fast'));
        expect(fast.modRevision).toBeGreaterThan(slow);
        // A list now must wait for the open revision: answering at fast's revision without slow
        // would hand out a revision a watch cannot continue from.
        const listing = store.list({ prefix: '/g/' });
        // The driver settles the open revision by claiming it, which waits for the open transaction.
        await vi.waitFor(async () => expect(await raw.lockWaits()).toBeGreaterThan(0), { timeout: 15_000 });
        await raw.query('COMMIT');
        const listed = await listing;
        expect(listed.revision).toBeGreaterThanOrEqual(fast.modRevision);
        expect(listed.items.map((item) => item.key)).toEqual(['/g/fast', '/g/slow']);
        await vi.waitFor(() => expect(recorder.events).toHaveLength(2), { timeout: 15_000 });
        expect(recorder.events.map(seen)).toEqual([
          { type: 'put', key: '/g/slow', revision: slow },
          { type: 'put', key: '/g/fast', revision: fast.modRevision },
        ]);
        watch.close();
      } finally {
        await raw.close();
        await store.close();
      }
    });

    it('skips a revision whose writer rolled back, and the id stays taken', async () => {
      const url = await newUrl();
      const store = await driver.open(url);
      const raw = await database.raw(url);
      try {
        const recorder = new Recorder();
        const watch = await store.watch({ prefix: '/g/', afterRevision: await store.currentRevision() }, recorder.listener);
        await raw.query('BEGIN');
        const abandoned = await raw.insertCreate('/g/abandoned', 'never');
        const after = await store.create('/g/after', Buffer.from('after'));
        await raw.query('ROLLBACK');
        await vi.waitFor(() => expect(recorder.keys()).toContain('/g/after'), { timeout: 15_000 });
        await store.create('/g/later', Buffer.from('later'));
        await vi.waitFor(() => expect(recorder.keys()).toContain('/g/later'), { timeout: 15_000 });
        expect(recorder.keys()).toEqual(['/g/after', '/g/later']);
        expect(recorder.events[0]!.modRevision).toBe(after.modRevision);
        const filler = await raw.query('SELECT name FROM kamaji_log WHERE id = ?', [abandoned]);
        expect(filler.map((row) => String(row['name']))).toEqual(['']);
        watch.close();
      } finally {
        await raw.close();
        await store.close();
      }
    });

    it.runIf(driver.name === 'postgres')('claims a drawn but unwritten revision, so its writer fails instead of landing behind a watch', async () => {
      const url = await newUrl();
      const store = await driver.open(url);
      const raw = await database.raw(url);
      try {
        const recorder = new Recorder();
        const watch = await store.watch({ prefix: '/g/', afterRevision: await store.currentRevision() }, recorder.listener);
        const [{ nextval }] = (await raw.query("SELECT nextval('kamaji_log_id_seq') AS nextval")) as [{ nextval: string }];
        const written = await store.create('/g/written', Buffer.from('x'));
        expect(written.modRevision).toBe(Number(nextval) + 1);
        await vi.waitFor(() => expect(recorder.keys()).toEqual(['/g/written']), { timeout: 15_000 });
        await expect(
          raw.query("INSERT INTO kamaji_log (id, name, created, deleted, create_revision, prev_revision, value) VALUES (?, '/g/late', TRUE, FALSE, 0, 0, '')", [
            Number(nextval),
          ]),
        ).rejects.toThrow(/duplicate key/);
        watch.close();
      } finally {
        await raw.close();
        await store.close();
      }
    });

    it('lets exactly one of two replicas create a key, round after round, while compaction removes its tombstones', async () => {
      const url = await newUrl();
      const [first, second] = await Promise.all([driver.open(url), driver.open(url)]);
      let compacting = true;
      const compactions = (async () => {
        let runs = 0;
        while (compacting) {
          await first.compact(await first.currentRevision());
          runs++;
        }
        return runs;
      })();
      try {
        for (let round = 0; round < 150; round++) {
          const attempts = await Promise.allSettled([
            first.create('/race/key', Buffer.from(`first ${round}`)),
            second.create('/race/key', Buffer.from(`second ${round}`)),
          ]);
          const created = attempts.flatMap((attempt) => (attempt.status === 'fulfilled' ? [attempt.value] : []));
          const refused = attempts.flatMap((attempt) => (attempt.status === 'rejected' ? [attempt.reason as Error] : []));
          expect(created).toHaveLength(1);
          expect(refused.map((error) => error.name)).toEqual(['KeyExistsError']);
          const current = await second.get('/race/key');
          expect(current?.modRevision).toBe(created[0]!.modRevision);
          expect(Buffer.from(current!.value).toString()).toBe(Buffer.from(created[0]!.value).toString());
          await (round % 2 === 0 ? first : second).delete('/race/key');
        }
      } finally {
        compacting = false;
        expect(await compactions).toBeGreaterThan(0);
        await Promise.all([first.close(), second.close()]);
      }
    });

    it('ends a watch with 410 when its replica was cut off while another compacted past it, and serves again after', async () => {
      const direct = new URL(await newUrl());
      const relay = await startRelay(direct);
      const cutOff = await driver.open(relay.url(direct.pathname.slice(1)));
      const other = await driver.open(direct.href);
      try {
        const recorder = new Recorder();
        await cutOff.watch({ prefix: '/o/', afterRevision: await cutOff.currentRevision() }, recorder.listener);
        let a = await other.create('/o/a', Buffer.from('0'));
        await vi.waitFor(() => expect(recorder.keys()).toEqual(['/o/a']), { timeout: 15_000 });

        relay.cut();
        for (let i = 1; i <= 10; i++) a = await other.update('/o/a', Buffer.from(String(i)), a.modRevision);
        await other.compact(await other.currentRevision());
        relay.restore();

        await vi.waitFor(() => expect(recorder.errors).toHaveLength(1), { timeout: 30_000 });
        expect(recorder.errors[0]).toBeInstanceOf(CompactedError);
        expect(recorder.keys()).toEqual(['/o/a']);
        // The replica itself carries on: reads, and watches from the compacted revision on.
        const compacted = await cutOff.compactedRevision();
        const again = new Recorder();
        await cutOff.watch({ prefix: '/o/', afterRevision: compacted }, again.listener);
        await other.update('/o/a', Buffer.from('after'), a.modRevision);
        await vi.waitFor(() => expect(again.events.map((event) => Buffer.from(event.value).toString())).toEqual(['after']), {
          timeout: 15_000,
        });
        expect(Buffer.from((await cutOff.get('/o/a'))!.value).toString()).toBe('after');
      } finally {
        relay.close();
        await Promise.all([cutOff.close(), other.close()]);
      }
    });

    it('compacts in the background, keeping a window and current values, and every replica answers 410 below it', async () => {
      const url = await newUrl();
      const compacting = await driver.open(url, { compactIntervalMs: 100, compactRetainRevisions: 5 });
      const replica = await driver.open(url);
      const raw = await database.raw(url);
      try {
        let a = await compacting.create('/c/a', Buffer.from('0'));
        const first = a.modRevision;
        await compacting.create('/c/b', Buffer.from('gone'));
        await compacting.delete('/c/b');
        for (let i = 1; i <= 20; i++) a = await compacting.update('/c/a', Buffer.from(String(i)), a.modRevision);
        const target = a.modRevision - 5;
        await vi.waitFor(async () => expect(await replica.compactedRevision()).toBe(target), { timeout: 15_000 });

        const tooOld = await replica.list({ prefix: '/c/', revision: first }).catch((error: unknown) => error);
        expect(tooOld).toBeInstanceOf(CompactedError);
        const recorder = new Recorder();
        await replica
          .watch({ prefix: '/c/', afterRevision: first }, recorder.listener)
          .then(() => vi.waitFor(() => expect(recorder.errors).toHaveLength(1), { timeout: 15_000 }))
          .catch((error: Error) => recorder.errors.push(error));
        expect(recorder.errors[0]).toBeInstanceOf(CompactedError);
        expect(recorder.events).toEqual([]);

        // The window stays readable; the current value is untouched; the history below is gone.
        const atTarget = await replica.list({ prefix: '/c/', revision: target });
        expect(atTarget.items.map((item) => Buffer.from(item.value).toString())).toEqual(['15']);
        expect(Buffer.from((await replica.get('/c/a'))!.value).toString()).toBe('20');
        const kept = await raw.query('SELECT name, id FROM kamaji_log WHERE id <= ? AND name <> ? ORDER BY id', [target, '']);
        expect(kept.map((row) => [String(row['name']), Number(row['id'])])).toEqual([['/c/a', target]]);
      } finally {
        await raw.close();
        await Promise.all([compacting.close(), replica.close()]);
      }
    });

    it('loses, repeats and reorders nothing when the database restarts under watches and two writing processes', { timeout: 180_000 }, async () => {
      const url = await newUrl();
      const store = await driver.open(url);
      const raw = await database.raw(url);
      const prefix = '/fault/';
      const after = await store.currentRevision();
      const local = new Recorder();
      const watch = await store.watch({ prefix, afterRevision: after }, local.listener);
      const writers = ['a', 'b'].map((name) =>
        startWriter({ DRIVER: driver.name, URL: url, PREFIX: prefix, WRITER: name, AFTER: String(after) }),
      );
      try {
        await Promise.all(writers.map((writer) => writer.next('ready')));
        const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
        await sleep(1_500);
        await raw.close();
        await database.restart(1_000);
        await sleep(1_500);
        await database.restart(500);
        await sleep(1_500);
        for (const writer of writers) writer.send({ type: 'stop' });
        const written = await Promise.all(writers.map((writer) => writer.next<{ acknowledged: number[]; outages: number }>('written')));

        const truthConnection = await database.raw(url);
        const truth = await loggedEvents(truthConnection, prefix, after);
        await truthConnection.close();
        // Not vacuous: both processes wrote, and both ran into the outages.
        for (const { acknowledged, outages } of written) {
          expect(acknowledged.length).toBeGreaterThan(10);
          expect(outages).toBeGreaterThan(0);
        }
        // Every acknowledged write is in the log.
        const logged = new Set(truth.map((event) => event.revision));
        for (const { acknowledged } of written) expect(acknowledged.filter((revision) => !logged.has(revision))).toEqual([]);

        for (const writer of writers) writer.send({ type: 'collect', count: truth.length });
        const remote = await Promise.all(writers.map((writer) => writer.next<{ events: SeenEvent[]; errors: string[] }>('events')));
        await vi.waitFor(() => expect(local.events.length).toBeGreaterThanOrEqual(truth.length), { timeout: 60_000 });
        expect(local.errors).toEqual([]);
        expect(local.events.map(seen)).toEqual(truth);
        console.info(
          `${driver.name}: ${truth.length} events, ${written.map((w) => `${w.acknowledged.length} acknowledged writes and ${w.outages} failed calls`).join('; ')}; ` +
            `3 watches saw all, in order`,
        );
        for (const { events, errors } of remote) {
          expect(errors).toEqual([]);
          expect(events).toEqual(truth);
        }
      } finally {
        watch.close();
        for (const writer of writers) if (writer.child.exitCode === null) writer.child.kill('SIGKILL');
        await store.close();
      }
    });

    it('creates its schema once, and a second start on it finds version 1', async () => {
      const url = await newUrl();
      const [first, second] = await Promise.all([driver.open(url), driver.open(url)]);
      const raw = await database.raw(url);
      try {
        expect((await raw.query('SELECT version FROM kamaji_schema_version')).map((row) => Number(row['version']))).toEqual([1]);
      } finally {
        await raw.close();
        await Promise.all([first.close(), second.close()]);
      }
    });

    it('refuses a schema from a newer version, and tables it did not create, with a clear message', async () => {
      const url = await newUrl();
      await (await driver.open(url)).close();
      const raw = await database.raw(url);
      const foreign = await newUrl();
      const foreignRaw = await database.raw(foreign);
      try {
        await raw.query('UPDATE kamaji_schema_version SET version = 99');
        const newer = await driver.open(url).catch((error: unknown) => error);
        expect(newer).toBeInstanceOf(IncompatibleSchemaError);
        expect((newer as Error).message).toMatch(/version 99, written by a newer Kamaji-TS; this one understands up to version 1/);
        expect((newer as Error).message).not.toContain(database.credentials.password);

        await foreignRaw.query('CREATE TABLE kamaji_log (id INTEGER)');
        const strange = await driver.open(foreign).catch((error: unknown) => error);
        expect(strange).toBeInstanceOf(IncompatibleSchemaError);
        expect((strange as Error).message).toMatch(/kamaji_log but no kamaji_schema_version/);
      } finally {
        await Promise.all([raw.close(), foreignRaw.close()]);
      }
    });

    it('reports a wrong password as StorageUnavailableError without echoing it', async () => {
      const wrong = new URL(await newUrl());
      wrong.password = 'not-the-password';
      const error = await driver.open(wrong.href).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(StorageUnavailableError);
      expect((error as Error).message).not.toContain('not-the-password');
    });

    describe('over TLS', async () => {
      const ca = await createCertificateAuthority({ commonName: `throwaway-${driver.name}-ca` });
      const serving = await issueCertificate(ca, { commonName: driver.name, dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], usages: ['server'] });
      let tlsOnly: SqlDatastore;
      let dir: string;

      beforeAll(async () => {
        // A server that takes TLS connections only, so every success below went over TLS.
        tlsOnly = await driver.start({ tls: { cert: serving.certificate, key: serving.privateKey } });
        dir = await mkdtemp(join(tmpdir(), 'kamaji-sql-tls-'));
      });
      afterAll(async () => {
        await tlsOnly?.stop();
        await rm(dir, { recursive: true, force: true });
      });

      it('verifies the server against the CA (PEM or file) and serves reads, writes and watches', async () => {
        const url = await tlsOnly.createDatabase('tls_store');
        const caFile = join(dir, 'ca.crt');
        await writeFile(caFile, ca.certificate);
        // A TLS setting left in a PostgreSQL URL must not override the CA given beside it.
        const urlWithSslMode = driver.name === 'postgres' ? `${url}?sslmode=disable` : url;
        for (const ca_ of [ca.certificate, caFile]) {
          const store = await driver.open(ca_ === caFile ? url : urlWithSslMode, { tls: { ca: ca_ } });
          try {
            const recorder = new Recorder();
            const watch = await store.watch({ prefix: '/tls/', afterRevision: await store.currentRevision() }, recorder.listener);
            const key = `/tls/${ca_ === caFile ? 'ca-from-file' : 'ca-as-pem'}`;
            await store.create(key, Buffer.from('over tls'));
            expect(Buffer.from((await store.get(key))!.value).toString()).toBe('over tls');
            await vi.waitFor(() => expect(recorder.keys()).toEqual([key]), { timeout: 15_000 });
            watch.close();
          } finally {
            await store.close();
          }
        }
      });

      it('refuses to talk without TLS, or to a server whose certificate another CA signed', async () => {
        const url = await tlsOnly.createDatabase('tls_refused');
        await expect(driver.open(url)).rejects.toBeInstanceOf(StorageUnavailableError);
        const other = await createCertificateAuthority({ commonName: 'someone-else' });
        await expect(driver.open(url, { tls: { ca: other.certificate } })).rejects.toBeInstanceOf(StorageUnavailableError);
        await expect(driver.open(url, { tls: { ca: join(dir, 'missing.crt') } })).rejects.toThrow(
          /tls.ca is neither PEM text nor a readable file/,
        );
      });
    });
  });
}
