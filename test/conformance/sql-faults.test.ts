// Faults the SQL drivers must survive without losing, repeating or reordering a watch event:
// - revisions that commit out of order (a writer holds revision N open while N+1 commits), or are
//   drawn and abandoned;
// - the database restarting under running watches while two server processes write at once.
// Both against real PostgreSQL and MariaDB.
//
// The shared launchers (test/e2e/support/datastores.ts) cannot restart a server in place, so this
// file keeps a minimal restartable one (same binaries and users) until they can.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openMySqlStorage } from '../../src/storage/mysql.ts';
import { openPostgresStorage } from '../../src/storage/postgres.ts';
import type { StorageWatchEvent } from '../../src/storage/storage.ts';
import { freePort } from '../e2e/support/datastores.ts';

const REPO_ROOT = resolve(import.meta.dirname, '../..');

// ------------------------------------------------------------------ restartable databases

interface RestartableDatabase {
  /** URL of a fresh database named `name` on this server. */
  createDatabase(name: string): Promise<string>;
  /** A raw connection to a database, for reading the log and holding transactions open. */
  raw(url: string): Promise<RawConnection>;
  /** Stops the server (fast shutdown, open connections are cut) and starts it again on the same data. */
  restart(downMs: number): Promise<void>;
  stop(): Promise<void>;
}

interface RawConnection {
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  /** How many transactions wait for a lock right now. */
  lockWaits(): Promise<number>;
  /** Inserts a create of `key` the way the driver would, returning its revision. */
  insertCreate(key: string, value: string): Promise<number>;
  close(): Promise<void>;
}

function serviceUser(name: string): { uid: number; gid: number } | Record<string, never> {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(spawnSync('id', [flag, name], { encoding: 'utf8' }).stdout.trim());
  return { uid: id('-u'), gid: id('-g') };
}

function scratch(prefix: string, owner: { uid?: number; gid?: number }): string {
  const dir = mkdtempSync(join(tmpdir(), `kamaji-${prefix}-`));
  if (owner.uid !== undefined) chownSync(dir, owner.uid, owner.gid!);
  return dir;
}

/** Runs a server process; `stop` ends it with `signal` and waits until it is gone. */
function serverProcess(command: string, args: string[], owner: object, signal: NodeJS.Signals) {
  let child: ChildProcess | undefined;
  let output = '';
  return {
    start() {
      child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...owner });
      const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4_000));
      child.stdout!.on('data', keep);
      child.stderr!.on('data', keep);
    },
    async stop() {
      const running = child;
      if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise((done) => running.once('exit', done));
      running.kill(signal);
      await exited;
    },
    exited: () => child?.exitCode !== null && child?.exitCode !== undefined,
    output: () => output,
  };
}

async function until(what: string, ready: () => Promise<boolean>, failed: () => boolean, output: () => string): Promise<void> {
  for (let tries = 0; tries < 240; tries++) {
    if (failed()) throw new Error(`${what} exited:\n${output()}`);
    if (await ready().catch(() => false)) return;
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`${what} did not become ready:\n${output()}`);
}

async function startRestartablePostgres(): Promise<RestartableDatabase> {
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
  const bin = join('/usr/lib/postgresql', versions[0]!, 'bin');
  const owner = serviceUser('postgres');
  const dir = scratch('pg-faults', owner);
  const port = await freePort('127.0.0.1');
  const init = spawnSync(join(bin, 'initdb'), ['-D', join(dir, 'data'), '-U', 'kamaji', '--auth', 'trust', '--no-sync'], {
    ...owner,
    encoding: 'utf8',
  });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const server = serverProcess(
    join(bin, 'postgres'),
    ['-D', join(dir, 'data'), '-h', '127.0.0.1', '-p', String(port), '-k', dir, '-c', 'fsync=off', '-c', 'max_connections=200'],
    owner,
    'SIGINT', // fast shutdown: every session is cut, as in a real restart
  );
  const admin = `postgres://kamaji@127.0.0.1:${port}/postgres`;
  const ready = async () => spawnSync(join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-q']).status === 0;
  const boot = async () => {
    server.start();
    await until('postgres', ready, server.exited, server.output);
  };
  await boot();
  return {
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: admin });
      await client.connect();
      await client.query(`CREATE DATABASE ${name}`);
      await client.end();
      return `postgres://kamaji@127.0.0.1:${port}/${name}`;
    },
    async raw(url) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      return {
        query: async (sql, params = []) => {
          let index = 0;
          return (await client.query(sql.replace(/\?/g, () => `$${++index}`), params)).rows;
        },
        insertCreate: async (key, value) => {
          const { rows } = await client.query(
            'INSERT INTO kamaji_log (name, created, deleted, create_revision, prev_revision, value) VALUES ($1, TRUE, FALSE, 0, 0, $2) RETURNING id',
            [key, Buffer.from(value)],
          );
          return Number(rows[0].id);
        },
        lockWaits: async () => Number((await client.query('SELECT count(*) AS n FROM pg_locks WHERE NOT granted')).rows[0].n),
        close: () => client.end(),
      };
    },
    async restart(downMs) {
      await server.stop();
      await new Promise((done) => setTimeout(done, downMs));
      await boot();
    },
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function startRestartableMariaDB(): Promise<RestartableDatabase> {
  const owner = serviceUser('mysql');
  const dir = scratch('mariadb-faults', owner);
  const port = await freePort('127.0.0.1');
  const socket = join(dir, 'mysqld.sock');
  const user = owner.uid !== undefined ? ['--user=mysql'] : [];
  const install = spawnSync(
    'mariadb-install-db',
    ['--no-defaults', `--datadir=${join(dir, 'data')}`, ...user, '--auth-root-authentication-method=normal', '--skip-test-db'],
    { encoding: 'utf8' },
  );
  if (install.status !== 0) throw new Error(`mariadb-install-db failed: ${install.stderr}`);
  const server = serverProcess(
    'mariadbd',
    [
      '--no-defaults', `--datadir=${join(dir, 'data')}`, `--socket=${socket}`, `--port=${port}`, '--bind-address=127.0.0.1',
      `--pid-file=${join(dir, 'mariadb.pid')}`, '--skip-name-resolve', '--skip-log-bin', '--innodb-buffer-pool-size=64M',
      '--innodb-flush-log-at-trx-commit=0', '--max-connections=300', ...user,
    ],
    {},
    'SIGTERM',
  );
  const asRoot = () => mysql.createConnection({ socketPath: socket, user: 'root' });
  const boot = async () => {
    server.start();
    await until('mariadbd', async () => ((await (await asRoot()).end()), true), server.exited, server.output);
  };
  await boot();
  const root = await asRoot();
  await root.query("CREATE USER 'kamaji'@'%' IDENTIFIED BY 'kamaji'");
  await root.query("GRANT ALL PRIVILEGES ON *.* TO 'kamaji'@'%'");
  await root.end();
  return {
    async createDatabase(name) {
      const admin = await asRoot();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      return `mysql://kamaji:kamaji@127.0.0.1:${port}/${name}`;
    },
    async raw(url) {
      const connection = await mysql.createConnection({ uri: url, supportBigNumbers: true });
      return {
        query: async (sql, params = []) => (await connection.query(sql, params))[0] as Record<string, unknown>[],
        insertCreate: async (key, value) => {
          const [result] = await connection.query<mysql.ResultSetHeader>(
            'INSERT INTO kamaji_log (name, created, deleted, create_revision, prev_revision, value) VALUES (?, 1, 0, 0, 0, ?)',
            [key, Buffer.from(value)],
          );
          return Number(result.insertId);
        },
        // MariaDB's innodb_trx does not list an autocommit INSERT waiting on a duplicate check as
        // LOCK WAIT; the process list shows such an insert still running.
        lockWaits: async () => {
          const observer = await mysql.createConnection({ uri: url });
          try {
            const [rows] = await observer.query<mysql.RowDataPacket[]>(
              "SELECT COUNT(*) AS n FROM information_schema.processlist WHERE info LIKE 'INSERT INTO kamaji_log%'",
            );
            return Number(rows[0]!['n']);
          } finally {
            await observer.end();
          }
        },
        close: () => connection.end(),
      };
    },
    async restart(downMs) {
      await server.stop();
      await new Promise((done) => setTimeout(done, downMs));
      await boot();
    },
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

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

const drivers = [
  {
    name: 'postgres',
    start: startRestartablePostgres,
    open: (url: string) => openPostgresStorage({ url, poolSize: 4, compactIntervalMs: 0 }),
  },
  {
    name: 'mysql',
    start: startRestartableMariaDB,
    open: (url: string) => openMySqlStorage({ url, poolSize: 4, compactIntervalMs: 0, pollIntervalMs: 20 }),
  },
] as const;

for (const driver of drivers) {
  describe(`${driver.name} under faults`, () => {
    let database: RestartableDatabase;
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
  });
}
