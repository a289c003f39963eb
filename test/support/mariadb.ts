// A throwaway MariaDB (Debian's package): a fresh data directory on a free port, administrator
// `kamaji` with a random password and every privilege WITH GRANT OPTION. Restart is a normal
// shutdown and a start on the same data and port.
//
//   const db = await startMariaDB();                   // on datastoreHost(); db.endpoint is mysql://kamaji:…@host:port/
//   const db = await startMariaDB({ host: LOOPBACK, tls: { cert, key } });  // kamaji REQUIRE SSL, on 127.0.0.1
//   const url = await db.createDatabase('mine');       // mysql://kamaji:…@host:port/mine
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { checkedDatabaseName, newPassword, type ServerTls, type SqlCredentials, type SqlDatastore } from './datastore.ts';
import { datastoreHost, freePort } from './network.ts';
import { startServerProcess } from './server-process.ts';
import { scratchDir, serviceUser, writeOwnedFile } from './service-user.ts';

export async function startMariaDB(options: { host?: string; tls?: ServerTls } = {}): Promise<SqlDatastore> {
  const owner = serviceUser('mysql');
  const host = options.host ?? datastoreHost();
  const port = await freePort(host);
  const dir = scratchDir('mariadb', owner);
  const data = join(dir, 'data');
  const socket = join(dir, 'mysqld.sock');
  // mariadbd drops to this user itself.
  const asUser = owner.uid !== undefined ? ['--user=mysql'] : [];
  const install = spawnSync(
    'mariadb-install-db',
    ['--no-defaults', `--datadir=${data}`, ...asUser, '--auth-root-authentication-method=normal', '--skip-test-db'],
    { encoding: 'utf8' },
  );
  if (install.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`mariadb-install-db failed: ${install.stderr}${install.stdout}`);
  }
  const tlsArgs = options.tls
    ? [`--ssl-cert=${writeOwnedFile(dir, 'server.crt', options.tls.cert, owner)}`, `--ssl-key=${writeOwnedFile(dir, 'server.key', options.tls.key, owner)}`]
    : [];
  const asRoot = () => mysql.createConnection({ socketPath: socket, user: 'root' });
  const server = await startServerProcess({
    what: `MariaDB at ${host}:${port}`,
    command: 'mariadbd',
    args: ['--no-defaults', `--datadir=${data}`, `--socket=${socket}`, `--port=${port}`, `--bind-address=${host}`,
      `--pid-file=${join(dir, 'mariadb.pid')}`, '--skip-name-resolve', '--skip-log-bin',
      '--innodb-buffer-pool-size=64M', '--innodb-flush-log-at-trx-commit=0', '--max-connections=300', ...asUser, ...tlsArgs],
    ready: async () => {
      await (await asRoot()).end();
      return true;
    },
    stopSignal: 'SIGTERM',
    dir,
  });
  const credentials: SqlCredentials = { user: 'kamaji', password: newPassword(), database: 'mysql' };
  const root = await asRoot();
  try {
    await root.query('CREATE USER ?@? IDENTIFIED BY ?', [credentials.user, '%', credentials.password]);
    await root.query('GRANT ALL PRIVILEGES ON *.* TO ?@? WITH GRANT OPTION', [credentials.user, '%']);
    if (options.tls) await root.query('ALTER USER ?@? REQUIRE SSL', [credentials.user, '%']);
  } catch (error) {
    await server.stop();
    throw error;
  } finally {
    await root.end();
  }
  const url = (database: string) => `mysql://${credentials.user}:${credentials.password}@${host}:${port}/${database}`;
  // The tests that use TLS check the server's certificate themselves; these helper connections need not.
  const ssl = options.tls ? { ssl: { rejectUnauthorized: false } } : {};
  return {
    endpoint: url(''),
    host,
    port,
    credentials,
    ...server,
    async createDatabase(name) {
      const admin = await asRoot();
      try {
        await admin.query(`CREATE DATABASE \`${checkedDatabaseName(name)}\``);
      } finally {
        await admin.end();
      }
      return url(name);
    },
    async raw(databaseUrl) {
      const connection = await mysql.createConnection({ uri: databaseUrl, supportBigNumbers: true, ...ssl });
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
          const observer = await mysql.createConnection({ uri: databaseUrl, ...ssl });
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
  };
}
