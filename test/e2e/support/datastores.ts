/**
 * Throwaway datastores for tests: real etcd (built by hack/build.sh), PostgreSQL and MariaDB
 * (Debian's packages), each a fresh instance in a temporary directory on a free port.
 *
 *   const pg = await startPostgres();      // { endpoint, host, port, credentials, stop() }
 *   ... new pg.Client({ host: pg.host, port: pg.port, ...pg.credentials }) ...
 *   await pg.stop();                       // kills it and removes its directory
 *
 * - `startEtcd({ tls?: 'client-cert' })`: endpoint `http://host:port`, or with client-certificate
 *   auth `https://host:port`; then `credentials` holds the PEMs (`caCert`, `clientCert`,
 *   `clientKey`, client CN `root`) and their files (`caFile`, `certFile`, `keyFile`).
 * - `startPostgres()`: endpoint `postgres://user:password@host:port/postgres`; credentials
 *   `{ user, password, database }` (password authentication, scram-sha-256).
 * - `startMariaDB()`: endpoint `mysql://user:password@host:port/`; credentials
 *   `{ user, password, database }`, the user has every privilege WITH GRANT OPTION.
 * - Address: when the local management cluster's network is up (hack/cluster-up.sh), they listen
 *   on the host end of the node's veth (172.31.254.1), reachable from pods and from this host;
 *   otherwise on 127.0.0.1. Nothing else is needed: no cluster, no root (as root, PostgreSQL and
 *   MariaDB run as the `postgres` and `mysql` users, as they require).
 * - Every instance still running when the process exits is killed then.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCertificateAuthority, issueCertificate } from '../../../src/pki/index.ts';
import { BIN_DIR, HOST_IP, hostInterfaceUp } from './cluster.ts';

export type EtcdClientCertificates = {
  caCert: string;
  clientCert: string;
  clientKey: string;
  caFile: string;
  certFile: string;
  keyFile: string;
};

export type SqlCredentials = { user: string; password: string; database: string };

export type Datastore<Credentials> = {
  endpoint: string;
  host: string;
  port: number;
  credentials: Credentials;
  stop(): Promise<void>;
};

export type EtcdDatastore = Datastore<EtcdClientCertificates | undefined>;

/** The address the datastores listen on: reachable from pods when a cluster network is up. */
export function datastoreHost(): string {
  return hostInterfaceUp() ? HOST_IP : '127.0.0.1';
}

export async function freePort(host = datastoreHost()): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

type Launch = { command: string; args: string[]; uid?: number; gid?: number; name: string };

function launch({ command, args, uid, gid, name }: Launch): { child: ChildProcess; output: () => string } {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], uid, gid });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  running.add(child);
  child.once('exit', () => running.delete(child));
  child.once('error', (error) => (output += `\n${name}: ${error.message}`));
  return { child, output: () => output };
}

async function waitFor(what: string, ready: () => Promise<boolean>, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}:\n${output()}`);
    if (await ready().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill('SIGKILL');
  throw new Error(`${what} not ready within 60s:\n${output()}`);
}

function stopper(child: ChildProcess, dir: string): () => Promise<void> {
  return async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
}

/** The unprivileged system user a database server must run as when we are root. */
function serviceUser(name: string): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(spawnSync('id', [flag, name], { encoding: 'utf8' }).stdout.trim());
  return { uid: id('-u'), gid: id('-g') };
}

function scratchDir(prefix: string, owner: { uid?: number; gid?: number }): string {
  const dir = mkdtempSync(join(tmpdir(), `kamaji-${prefix}-`));
  if (owner.uid !== undefined && owner.gid !== undefined) chownSync(dir, owner.uid, owner.gid);
  return dir;
}

function password(): string {
  return randomBytes(12).toString('hex');
}

// ---------------------------------------------------------------- etcd

async function httpOk(url: string, tls?: EtcdClientCertificates): Promise<boolean> {
  const request = url.startsWith('https') ? httpsRequest : httpRequest;
  return new Promise((resolveOk) => {
    const req = request(url, tls ? { ca: tls.caCert, cert: tls.clientCert, key: tls.clientKey } : {}, (res) => {
      res.resume();
      resolveOk(res.statusCode === 200);
    });
    req.on('error', () => resolveOk(false));
    req.setTimeout(2_000, () => req.destroy());
    req.end();
  });
}

function etcdCertificates(dir: string, host: string): { server: { cert: string; key: string }; client: EtcdClientCertificates } {
  const ca = createCertificateAuthority({ commonName: 'throwaway-etcd-ca', validityDays: 2 });
  const server = issueCertificate(ca, {
    commonName: 'throwaway-etcd',
    dnsNames: ['localhost'],
    ipAddresses: [...new Set([host, '127.0.0.1'])],
    usages: ['server', 'client'],
    validityDays: 1,
  });
  const client = issueCertificate(ca, { commonName: 'root', usages: ['client'], validityDays: 1 });
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content, { mode: 0o600 });
    return path;
  };
  return {
    server: { cert: file('server.crt', server.certificate), key: file('server.key', server.privateKey) },
    client: {
      caCert: ca.certificate,
      clientCert: client.certificate,
      clientKey: client.privateKey,
      caFile: file('ca.crt', ca.certificate),
      certFile: file('client.crt', client.certificate),
      keyFile: file('client.key', client.privateKey),
    },
  };
}

export async function startEtcd(options: { tls?: 'client-cert' } = {}): Promise<EtcdDatastore> {
  const binary = join(BIN_DIR, 'etcd');
  if (!existsSync(binary)) throw new Error(`${binary} is missing: run 'bash hack/build.sh etcd'`);
  const host = datastoreHost();
  const [port, peerPort] = [await freePort(host), await freePort('127.0.0.1')];
  const dir = scratchDir('etcd', {});
  const certificates = options.tls === 'client-cert' ? etcdCertificates(dir, host) : undefined;
  const scheme = certificates ? 'https' : 'http';
  const endpoint = `${scheme}://${host}:${port}`;
  const args = [
    '--name', 'throwaway', '--data-dir', join(dir, 'data'),
    '--listen-client-urls', endpoint, '--advertise-client-urls', endpoint,
    '--listen-peer-urls', `http://127.0.0.1:${peerPort}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peerPort}`,
    '--initial-cluster', `throwaway=http://127.0.0.1:${peerPort}`,
    '--log-level', 'warn', '--unsafe-no-fsync',
  ];
  if (certificates) {
    args.push('--cert-file', certificates.server.cert, '--key-file', certificates.server.key,
      '--client-cert-auth', '--trusted-ca-file', certificates.client.caFile);
  }
  const { child, output } = launch({ command: binary, args, name: 'etcd' });
  await waitFor(`etcd at ${endpoint}`, () => httpOk(`${endpoint}/health`, certificates?.client), child, output);
  return { endpoint, host, port, credentials: certificates?.client, stop: stopper(child, dir) };
}

// ---------------------------------------------------------------- PostgreSQL

function postgresBinDir(): string {
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)) : [];
  if (versions.length === 0) throw new Error('PostgreSQL is not installed (Debian package postgresql)');
  return join('/usr/lib/postgresql', versions[0]!, 'bin');
}

export async function startPostgres(): Promise<Datastore<SqlCredentials>> {
  const bin = postgresBinDir();
  const owner = serviceUser('postgres');
  const host = datastoreHost();
  const port = await freePort(host);
  const dir = scratchDir('postgres', owner);
  const credentials: SqlCredentials = { user: 'kamaji', password: password(), database: 'postgres' };
  const passwordFile = join(dir, 'password');
  writeFileSync(passwordFile, credentials.password);
  if (owner.uid !== undefined) chownSync(passwordFile, owner.uid, owner.gid!);
  const init = spawnSync(join(bin, 'initdb'), ['-D', join(dir, 'data'), '-U', credentials.user, '--pwfile', passwordFile,
    '--auth', 'scram-sha-256', '--encoding', 'UTF8', '--no-sync'], { ...owner, encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}${init.stdout}`);
  writeFileSync(join(dir, 'data', 'pg_hba.conf'), 'local all all scram-sha-256\nhost all all 0.0.0.0/0 scram-sha-256\n');
  const { child, output } = launch({
    command: join(bin, 'postgres'),
    args: ['-D', join(dir, 'data'), '-h', host, '-p', String(port), '-k', dir,
      '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200'],
    name: 'postgres',
    ...owner,
  });
  const ready = async () => spawnSync(join(bin, 'pg_isready'), ['-h', host, '-p', String(port), '-q']).status === 0;
  await waitFor(`PostgreSQL at ${host}:${port}`, ready, child, output);
  return {
    endpoint: `postgres://${credentials.user}:${credentials.password}@${host}:${port}/${credentials.database}`,
    host,
    port,
    credentials,
    stop: stopper(child, dir),
  };
}

// ---------------------------------------------------------------- MariaDB

export async function startMariaDB(): Promise<Datastore<SqlCredentials>> {
  const owner = serviceUser('mysql');
  const host = datastoreHost();
  const port = await freePort(host);
  const dir = scratchDir('mariadb', owner);
  const socket = join(dir, 'mysqld.sock');
  const user = owner.uid !== undefined ? ['--user=mysql'] : [];
  const install = spawnSync('mariadb-install-db', ['--no-defaults', `--datadir=${join(dir, 'data')}`, ...user,
    '--auth-root-authentication-method=normal', '--skip-test-db'], { encoding: 'utf8' });
  if (install.status !== 0) throw new Error(`mariadb-install-db failed: ${install.stderr}${install.stdout}`);
  const { child, output } = launch({
    command: 'mariadbd',
    args: ['--no-defaults', `--datadir=${join(dir, 'data')}`, `--socket=${socket}`, `--port=${port}`,
      `--bind-address=${host}`, `--pid-file=${join(dir, 'mariadb.pid')}`, '--skip-name-resolve', '--skip-log-bin',
      '--innodb-buffer-pool-size=64M', '--innodb-flush-log-at-trx-commit=0', '--max-connections=300', ...user],
    name: 'mariadbd',
  });
  const { createConnection } = await import('mysql2/promise');
  const asRoot = () => createConnection({ socketPath: socket, user: 'root' });
  await waitFor(`MariaDB at ${host}:${port}`, async () => {
    await (await asRoot()).end();
    return true;
  }, child, output);
  const credentials: SqlCredentials = { user: 'kamaji', password: password(), database: 'mysql' };
  const root = await asRoot();
  await root.query('CREATE USER ?@? IDENTIFIED BY ?', [credentials.user, '%', credentials.password]);
  await root.query('GRANT ALL PRIVILEGES ON *.* TO ?@? WITH GRANT OPTION', [credentials.user, '%']);
  await root.end();
  return {
    endpoint: `mysql://${credentials.user}:${credentials.password}@${host}:${port}/`,
    host,
    port,
    credentials,
    stop: stopper(child, dir),
  };
}
