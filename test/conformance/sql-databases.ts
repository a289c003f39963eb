// Throwaway PostgreSQL and MariaDB servers that can be restarted in place (same data, same port),
// and kine in front of a datastore, for the SQL storage tests and the storage benchmark. Same binaries and service users as
// test/e2e/support/datastores.ts, whose launchers cannot restart a server; fold this into them once
// they can.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { BIN_DIR } from '../e2e/support/cluster.ts';
import { freePort } from '../e2e/support/datastores.ts';

/** Serve TLS only, with this certificate and key (PEM); plain connections are refused. */
export interface ServerTls {
  cert: string;
  key: string;
}

export interface RestartableDatabase {
  /** The password of the `kamaji` user every URL carries (random per server). */
  password: string;
  /** URL of a fresh database named `name` on this server. */
  createDatabase(name: string): Promise<string>;
  /** A raw connection to a database, for reading the log and holding transactions open. */
  raw(url: string): Promise<RawConnection>;
  /** Stops the server (fast shutdown, open connections are cut) and starts it again on the same data. */
  restart(downMs: number): Promise<void>;
  stop(): Promise<void>;
}

export interface RawConnection {
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

export async function startRestartablePostgres(options: { tls?: ServerTls } = {}): Promise<RestartableDatabase> {
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
  const bin = join('/usr/lib/postgresql', versions[0]!, 'bin');
  const owner = serviceUser('postgres');
  const dir = scratch('pg-faults', owner);
  const port = await freePort('127.0.0.1');
  const password = randomBytes(12).toString('hex');
  const passwordFile = join(dir, 'password');
  writeFileSync(passwordFile, password);
  if (owner.uid !== undefined) chownSync(passwordFile, owner.uid, owner.gid!);
  const init = spawnSync(
    join(bin, 'initdb'),
    ['-D', join(dir, 'data'), '-U', 'kamaji', '--pwfile', passwordFile, '--auth', 'scram-sha-256', '--no-sync'],
    { ...owner, encoding: 'utf8' },
  );
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const tlsArgs: string[] = [];
  if (options.tls !== undefined) {
    const file = (name: string, content: string) => {
      const path = join(dir, name);
      writeFileSync(path, content, { mode: 0o600 });
      if (owner.uid !== undefined) chownSync(path, owner.uid, owner.gid!);
      return path;
    };
    tlsArgs.push('-c', 'ssl=on', '-c', `ssl_cert_file=${file('server.crt', options.tls.cert)}`, '-c', `ssl_key_file=${file('server.key', options.tls.key)}`);
    writeFileSync(join(dir, 'data', 'pg_hba.conf'), 'local all all scram-sha-256\nhostssl all all 127.0.0.1/32 scram-sha-256\n');
  }
  const server = serverProcess(
    join(bin, 'postgres'),
    ['-D', join(dir, 'data'), '-h', '127.0.0.1', '-p', String(port), '-k', dir, '-c', 'fsync=off', '-c', 'max_connections=200', ...tlsArgs],
    owner,
    'SIGINT', // fast shutdown: every session is cut, as in a real restart
  );
  const admin = `postgres://kamaji:${password}@127.0.0.1:${port}/postgres`;
  const ready = async () => spawnSync(join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-q']).status === 0;
  const boot = async () => {
    server.start();
    await until('postgres', ready, server.exited, server.output);
  };
  await boot();
  return {
    password,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: admin, ...(options.tls && { ssl: { rejectUnauthorized: false } }) });
      await client.connect();
      await client.query(`CREATE DATABASE ${name}`);
      await client.end();
      return `postgres://kamaji:${password}@127.0.0.1:${port}/${name}`;
    },
    async raw(url) {
      const client = new pg.Client({ connectionString: url, ...(options.tls && { ssl: { rejectUnauthorized: false } }) });
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

export async function startRestartableMariaDB(options: { tls?: ServerTls } = {}): Promise<RestartableDatabase> {
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
  const tlsArgs: string[] = [];
  if (options.tls !== undefined) {
    const file = (name: string, content: string) => {
      const path = join(dir, name);
      writeFileSync(path, content, { mode: 0o600 });
      if (owner.uid !== undefined) chownSync(path, owner.uid, owner.gid!);
      return path;
    };
    tlsArgs.push(`--ssl-cert=${file('server.crt', options.tls.cert)}`, `--ssl-key=${file('server.key', options.tls.key)}`);
  }
  const server = serverProcess(
    'mariadbd',
    [
      '--no-defaults', `--datadir=${join(dir, 'data')}`, `--socket=${socket}`, `--port=${port}`, '--bind-address=127.0.0.1',
      `--pid-file=${join(dir, 'mariadb.pid')}`, '--skip-name-resolve', '--skip-log-bin', '--innodb-buffer-pool-size=64M',
      '--innodb-flush-log-at-trx-commit=0', '--max-connections=300', ...user, ...tlsArgs,
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
  const password = randomBytes(12).toString('hex');
  const root = await asRoot();
  await root.query("CREATE USER 'kamaji'@'%' IDENTIFIED BY ?", [password]);
  await root.query("GRANT ALL PRIVILEGES ON *.* TO 'kamaji'@'%'");
  if (options.tls !== undefined) await root.query("ALTER USER 'kamaji'@'%' REQUIRE SSL");
  await root.end();
  return {
    password,
    async createDatabase(name) {
      const admin = await asRoot();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      return `mysql://kamaji:${password}@127.0.0.1:${port}/${name}`;
    },
    async raw(url) {
      const connection = await mysql.createConnection({
        uri: url,
        supportBigNumbers: true,
        ...(options.tls && { ssl: { rejectUnauthorized: false } }),
      });
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

// ------------------------------------------------------------------ kine in front of one of them

export interface Kine {
  endpoint: string;
  stop(): Promise<void>;
}

/** Starts kine in front of `datastoreEndpoint` (with `args` added) and waits until it answers etcd requests. */
export async function startKine(datastoreEndpoint: string, args: readonly string[] = []): Promise<Kine> {
  const binary = join(BIN_DIR, 'kine');
  if (!existsSync(binary)) throw new Error(`${binary} is missing: run 'bash hack/build.sh kine'`);
  const port = await freePort('127.0.0.1');
  const endpoint = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    binary,
    ['--endpoint', datastoreEndpoint, '--listen-address', `127.0.0.1:${port}`, '--metrics-bind-address', '0', ...args],
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
