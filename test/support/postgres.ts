// A throwaway PostgreSQL (Debian's package, the newest version under /usr/lib/postgresql): a fresh
// cluster in a temporary directory on a free port, administrator `kamaji` with a random password
// (scram-sha-256). Restart is a fast shutdown (every session cut, as in a real restart) and a start
// on the same data and port.
//
//   const pg = await startPostgres();                  // on datastoreHost(); pg.endpoint is postgres://kamaji:…@host:port/postgres
//   const pg = await startPostgres({ host: LOOPBACK, tls: { cert, key } });  // TLS only, on 127.0.0.1
//   const url = await pg.createDatabase('mine');       // postgres://kamaji:…@host:port/mine
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { checkedDatabaseName, newPassword, type ServerTls, type SqlCredentials, type SqlDatastore } from './datastore.ts';
import { datastoreHost, freePort } from './network.ts';
import { startServerProcess } from './server-process.ts';
import { scratchDir, serviceUser, writeOwnedFile } from './service-user.ts';

function postgresBinDir(): string {
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)) : [];
  if (versions.length === 0) throw new Error('PostgreSQL is not installed (Debian package postgresql)');
  return join('/usr/lib/postgresql', versions[0]!, 'bin');
}

export async function startPostgres(options: { host?: string; tls?: ServerTls } = {}): Promise<SqlDatastore> {
  const bin = postgresBinDir();
  const owner = serviceUser('postgres');
  const host = options.host ?? datastoreHost();
  const port = await freePort(host);
  const dir = scratchDir('postgres', owner);
  const data = join(dir, 'data');
  const credentials: SqlCredentials = { user: 'kamaji', password: newPassword(), database: 'postgres' };
  const init = spawnSync(
    join(bin, 'initdb'),
    ['-D', data, '-U', credentials.user, '--pwfile', writeOwnedFile(dir, 'password', credentials.password, owner),
      '--auth', 'scram-sha-256', '--encoding', 'UTF8', '--no-sync'],
    { ...owner, encoding: 'utf8' },
  );
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${init.stderr}${init.stdout}`);
  }
  // Password authentication from anywhere (pods reach it through the cluster's veth); with a
  // certificate, over TLS only.
  writeFileSync(join(data, 'pg_hba.conf'), `local all all scram-sha-256\n${options.tls ? 'hostssl' : 'host'} all all 0.0.0.0/0 scram-sha-256\n`);
  const tlsArgs = options.tls
    ? ['-c', 'ssl=on',
        '-c', `ssl_cert_file=${writeOwnedFile(dir, 'server.crt', options.tls.cert, owner)}`,
        '-c', `ssl_key_file=${writeOwnedFile(dir, 'server.key', options.tls.key, owner)}`]
    : [];
  const server = await startServerProcess({
    what: `PostgreSQL at ${host}:${port}`,
    command: join(bin, 'postgres'),
    args: ['-D', data, '-h', host, '-p', String(port), '-k', dir,
      '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200', ...tlsArgs],
    owner,
    ready: async () => spawnSync(join(bin, 'pg_isready'), ['-h', host, '-p', String(port), '-q']).status === 0,
    stopSignal: 'SIGINT', // fast shutdown: sessions are cut rather than waited for
    dir,
  });
  const url = (database: string) => `postgres://${credentials.user}:${credentials.password}@${host}:${port}/${database}`;
  // The tests that use TLS check the server's certificate themselves; these helper connections need not.
  const ssl = options.tls ? { ssl: { rejectUnauthorized: false } } : {};
  return {
    endpoint: url(credentials.database),
    host,
    port,
    credentials,
    ...server,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: url(credentials.database), ...ssl });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${checkedDatabaseName(name)}"`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    async raw(databaseUrl) {
      const client = new pg.Client({ connectionString: databaseUrl, ...ssl });
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
  };
}
