// The tenant datastore admin against real databases: etcd (TLS client certificates), PostgreSQL
// and MariaDB, each a throwaway instance. What a tenant's credentials can and cannot reach is
// checked by connecting with them, as kine and kube-apiserver will.
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Etcd3, EtcdPermissionDeniedError } from 'etcd3';
import { createConnection } from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataStore, DataStoreDriver } from '../../src/apis/index.ts';
import {
  createTenantDatastoreAdmin,
  DataStoreCheckError,
  issueTenantEtcdClientCertificate,
  resolveDataStoreConnection,
  type DataStoreConnection,
  type TenantDatastoreAdmin,
} from '../../src/controllers/datastore/index.ts';
import type { KubeClient } from '../../src/controllers/runtime/kube-client.ts';
import { createCertificateAuthority, issueCertificate, type KeyPairPem } from '../../src/pki/index.ts';
import type { Datastore, SqlCredentials } from '../support/datastore.ts';
import { startEtcd, type EtcdDatastore } from '../support/etcd.ts';
import { startMariaDB } from '../support/mariadb.ts';
import { freePort, LOOPBACK } from '../support/network.ts';
import { startPostgres } from '../support/postgres.ts';

/** Every ContentRef below is inline: a test that reached for the management cluster is wrong. */
const noManagementCluster = new Proxy({} as KubeClient, {
  get() {
    throw new Error('these tests have no management cluster');
  },
});

const base64 = (text: string) => Buffer.from(text).toString('base64');

type Credentials = { username?: string; password?: string; ca?: string; caKey?: string; clientCertificate?: KeyPairPem };

function dataStoreFor(driver: DataStoreDriver, endpoint: string, credentials: Credentials): DataStore {
  const { username, password, ca, caKey, clientCertificate } = credentials;
  return {
    apiVersion: 'tenancy.kamaji.io/v1alpha1',
    kind: 'DataStore',
    metadata: { name: `test-${driver.toLowerCase()}` },
    spec: {
      driver,
      endpoints: [endpoint],
      ...(username !== undefined ? { basicAuth: { username: { content: base64(username) }, password: { content: base64(password ?? '') } } } : {}),
      ...(ca !== undefined
        ? {
            tlsConfig: {
              certificateAuthority: { certificate: { content: base64(ca) }, ...(caKey ? { privateKey: { content: base64(caKey) } } : {}) },
              ...(clientCertificate
                ? { clientCertificate: { certificate: { content: base64(clientCertificate.certificate) }, privateKey: { content: base64(clientCertificate.privateKey) } } }
                : {}),
            },
          }
        : {}),
    },
  };
}

async function adminFor(driver: DataStoreDriver, endpoint: string, credentials: Credentials): Promise<TenantDatastoreAdmin> {
  return createTenantDatastoreAdmin(await resolveDataStoreConnection(dataStoreFor(driver, endpoint, credentials), noManagementCluster));
}

async function checkFailure(admin: TenantDatastoreAdmin): Promise<DataStoreCheckError> {
  try {
    await admin.checkConnection();
  } catch (error) {
    expect(error).toBeInstanceOf(DataStoreCheckError);
    return error as DataStoreCheckError;
  } finally {
    await admin.close();
  }
  throw new Error('checkConnection succeeded');
}

async function closedPort(): Promise<number> {
  return freePort('127.0.0.1');
}

describe('etcd', async () => {
  const ca = await createCertificateAuthority({ commonName: 'tenant-datastore-test-etcd-ca', validityDays: 2 });
  const root = await issueCertificate(ca, { commonName: 'root', usages: ['client'], validityDays: 1 });
  let server: EtcdDatastore;
  let hostPort: string;
  let connection: DataStoreConnection;
  let admin: TenantDatastoreAdmin;
  const clients: Etcd3[] = [];

  /** A client authenticated as `certificate`'s CN, the way a tenant's kube-apiserver connects. */
  function etcdAs(certificate: KeyPairPem): Etcd3 {
    const client = new Etcd3({
      hosts: server.endpoint,
      credentials: {
        rootCertificate: Buffer.from(ca.certificate),
        certChain: Buffer.from(certificate.certificate),
        privateKey: Buffer.from(certificate.privateKey),
      },
      defaultCallOptions: () => ({ deadline: new Date(Date.now() + 5_000) }),
    });
    clients.push(client);
    return client;
  }

  beforeAll(async () => {
    const serving = await issueCertificate(ca, { commonName: 'etcd', ipAddresses: ['127.0.0.1'], usages: ['server', 'client'], validityDays: 1 });
    server = await startEtcd({ host: LOOPBACK, tls: { ca: ca.certificate, serverCertificate: serving.certificate, serverKey: serving.privateKey } });
    hostPort = new URL(server.endpoint).host;
    connection = await resolveDataStoreConnection(
      dataStoreFor('etcd', hostPort, { ca: ca.certificate, caKey: ca.privateKey, clientCertificate: root }),
      noManagementCluster,
    );
    admin = createTenantDatastoreAdmin(connection);
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await admin?.close();
    await server?.stop();
  });

  it('connects with the root client certificate', async () => {
    await admin.checkConnection();
  });

  it('refuses a non-root certificate while authentication is off (tenants could not be kept apart)', async () => {
    const operator = await issueCertificate(ca, { commonName: 'operator', usages: ['client'], validityDays: 1 });
    const notRoot = await adminFor('etcd', hostPort, { ca: ca.certificate, caKey: ca.privateKey, clientCertificate: operator });
    try {
      await expect(notRoot.checkConnection()).rejects.toMatchObject({ reason: 'Misconfigured' });
      const failure = await notRoot.ensureTenant({ schema: 'tenant_x', username: 'tenant_x' }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(DataStoreCheckError);
      expect((failure as DataStoreCheckError).reason).toBe('Misconfigured');
      expect((failure as DataStoreCheckError).message).toContain('CN "operator"');
    } finally {
      await notRoot.close();
    }
  });

  it('ensureTenant enables authentication, creates user and role, and is idempotent', async () => {
    expect(await admin.ensureTenant({ schema: 'tenant_a', username: 'user_a' })).toEqual({ changed: true });
    expect(await admin.ensureTenant({ schema: 'tenant_a', username: 'user_a' })).toEqual({ changed: false });
    expect(await admin.ensureTenant({ schema: 'tenant_b', username: 'user_b' })).toEqual({ changed: true });
    const rootClient = etcdAs(root);
    expect((await rootClient.auth.authStatus()).enabled).toBe(true);
    expect((await rootClient.auth.userGet({ name: 'user_a' })).roles).toEqual(['tenant_a']);
    // The root certificate still works after authentication is on.
    await admin.checkConnection();
  });

  it("a tenant's certificate reads and writes its own prefix only", async () => {
    const tenantA = etcdAs(await issueTenantEtcdClientCertificate(connection, 'user_a'));
    const tenantB = etcdAs(await issueTenantEtcdClientCertificate(connection, 'user_b'));
    await tenantA.put('/tenant_a/registry/namespaces/default').value('a');
    await tenantB.put('/tenant_b/registry/namespaces/default').value('b');
    expect(await tenantA.get('/tenant_a/registry/namespaces/default').string()).toBe('a');
    expect(await tenantA.getAll().prefix('/tenant_a/').keys()).toEqual(['/tenant_a/registry/namespaces/default']);

    await expect(tenantA.get('/tenant_b/registry/namespaces/default').string()).rejects.toBeInstanceOf(EtcdPermissionDeniedError);
    await expect(tenantA.put('/tenant_b/registry/x').value('intrusion')).rejects.toBeInstanceOf(EtcdPermissionDeniedError);
    await expect(tenantA.getAll().prefix('/tenant_').keys()).rejects.toBeInstanceOf(EtcdPermissionDeniedError);
    // `/tenant_a` without the slash would also cover `/tenant_ab/...`: the grant ends at the slash.
    await expect(tenantA.put('/tenant_ab/x').value('x')).rejects.toBeInstanceOf(EtcdPermissionDeniedError);
    await expect(tenantA.auth.userList()).rejects.toBeInstanceOf(EtcdPermissionDeniedError);
    expect(await etcdAs(root).get('/tenant_b/registry/x').string()).toBeNull();
  });

  it('removeTenant deletes the prefix, the role and the user, and is idempotent', async () => {
    await admin.removeTenant({ schema: 'tenant_a', username: 'user_a' });
    await admin.removeTenant({ schema: 'tenant_a', username: 'user_a' });
    const rootClient = etcdAs(root);
    expect(await rootClient.getAll().prefix('/tenant_a/').keys()).toEqual([]);
    expect(await rootClient.auth.userList().then((r) => r.users)).not.toContain('user_a');
    expect(await rootClient.auth.roleList().then((r) => r.roles)).not.toContain('tenant_a');
    // The other tenant is untouched.
    expect(await rootClient.get('/tenant_b/registry/namespaces/default').string()).toBe('b');
    // A certificate issued for the removed user opens nothing any more.
    const removed = etcdAs(await issueTenantEtcdClientCertificate(connection, 'user_a'));
    await expect(removed.put('/tenant_a/x').value('x')).rejects.toThrow();
  });

  it('reports an endpoint where nothing listens as Unreachable', async () => {
    const failure = await checkFailure(await adminFor('etcd', `127.0.0.1:${await closedPort()}`, { ca: ca.certificate, caKey: ca.privateKey, clientCertificate: root }));
    expect(failure.reason).toBe('Unreachable');
    expect(failure.message).toContain('127.0.0.1');
  });

  it('reports a CA that did not sign the server certificate as TLSError', async () => {
    const otherCa = await createCertificateAuthority({ commonName: 'someone-else', validityDays: 1 });
    const failure = await checkFailure(await adminFor('etcd', hostPort, { ca: otherCa.certificate, caKey: otherCa.privateKey, clientCertificate: await issueCertificate(otherCa, { commonName: 'root', usages: ['client'], validityDays: 1 }) }));
    expect(failure.reason).toBe('TLSError');
  });

  it('reports a certificate whose user may not manage etcd as AuthenticationFailed', async () => {
    const nobody = await issueCertificate(ca, { commonName: 'nobody', usages: ['client'], validityDays: 1 });
    const failure = await checkFailure(await adminFor('etcd', hostPort, { ca: ca.certificate, caKey: ca.privateKey, clientCertificate: nobody }));
    expect(failure.reason).toBe('AuthenticationFailed');
    expect(failure.message).toContain('"nobody"');
  });
});

type SqlFlavour = {
  driver: 'PostgreSQL' | 'MySQL';
  start: () => Promise<Datastore<SqlCredentials>>;
  /** Connects as `user` to `database` and runs `sql`; rejects when the server refuses. */
  run: (server: Datastore<SqlCredentials>, user: string, password: string, database: string, sql: string) => Promise<unknown[]>;
  /** Whether `name` exists as a database / as a user. */
  exists: (server: Datastore<SqlCredentials>, what: 'database' | 'user', name: string) => Promise<boolean>;
};

const postgres: SqlFlavour = {
  driver: 'PostgreSQL',
  start: startPostgres,
  async run(server, user, password, database, sql) {
    const client = new pg.Client({ host: server.host, port: server.port, user, password, database });
    client.on('error', () => {});
    try {
      await client.connect();
      return (await client.query(sql)).rows;
    } finally {
      await client.end().catch(() => {});
    }
  },
  async exists(server, what, name) {
    const { user, password, database } = server.credentials;
    const query = what === 'database' ? 'SELECT 1 FROM pg_database WHERE datname = $1' : 'SELECT 1 FROM pg_roles WHERE rolname = $1';
    const client = new pg.Client({ host: server.host, port: server.port, user, password, database });
    await client.connect();
    try {
      return (await client.query(query, [name])).rowCount! > 0;
    } finally {
      await client.end();
    }
  },
};

const mariadb: SqlFlavour = {
  driver: 'MySQL',
  start: startMariaDB,
  async run(server, user, password, database, sql) {
    const db = await createConnection({ host: server.host, port: server.port, user, password, database });
    try {
      const [rows] = await db.query(sql);
      return Array.isArray(rows) ? rows : [];
    } finally {
      await db.end().catch(() => {});
    }
  },
  async exists(server, what, name) {
    const { user, password } = server.credentials;
    const db = await createConnection({ host: server.host, port: server.port, user, password });
    try {
      const query = what === 'database' ? 'SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?' : 'SELECT 1 FROM mysql.user WHERE User = ?';
      const [rows] = await db.query(query, [name]);
      return (rows as unknown[]).length > 0;
    } finally {
      await db.end();
    }
  },
};

describe.each([postgres, mariadb])('$driver', (flavour) => {
  let server: Datastore<SqlCredentials>;
  let endpoint: string;
  let admin: TenantDatastoreAdmin;
  // `iso_a` and `isoxa`: in a MySQL GRANT an unescaped `_` would match the `x`.
  const tenantA = { schema: 'iso_a', username: 'user_a' };
  const tenantB = { schema: 'isoxa', username: 'user_b' };
  const passwords: Record<string, string> = {};

  beforeAll(async () => {
    server = await flavour.start();
    endpoint = `${server.host}:${server.port}`;
    admin = await adminFor(flavour.driver, endpoint, { username: server.credentials.user, password: server.credentials.password });
  });
  afterAll(async () => {
    await admin?.close();
    await server?.stop();
  });

  it('connects with the admin credentials', async () => {
    await admin.checkConnection();
  });

  it('ensureTenant creates database and user, and is idempotent', async () => {
    const first = await admin.ensureTenant(tenantA);
    expect(first.changed).toBe(true);
    expect(first.password).toMatch(/^[0-9a-f]{48}$/);
    passwords.a = first.password!;
    expect(await admin.ensureTenant({ ...tenantA, password: passwords.a })).toEqual({ changed: false, password: passwords.a });
    expect(await admin.ensureTenant({ ...tenantA, password: passwords.a })).toEqual({ changed: false, password: passwords.a });
    const b = await admin.ensureTenant({ ...tenantB, password: 'b-password-given-by-the-caller' });
    expect(b).toEqual({ changed: true, password: 'b-password-given-by-the-caller' });
    passwords.b = b.password!;
    expect(await flavour.exists(server, 'database', 'iso_a')).toBe(true);
    expect(await flavour.exists(server, 'user', 'user_a')).toBe(true);
  });

  it("a tenant's user works in its own database and cannot reach another tenant's", async () => {
    await flavour.run(server, 'user_a', passwords.a!, 'iso_a', 'CREATE TABLE kine (id INTEGER PRIMARY KEY, name VARCHAR(100))');
    await flavour.run(server, 'user_a', passwords.a!, 'iso_a', "INSERT INTO kine (id, name) VALUES (1, 'a')");
    expect(await flavour.run(server, 'user_a', passwords.a!, 'iso_a', 'SELECT name FROM kine')).toEqual([{ name: 'a' }]);
    await flavour.run(server, 'user_b', passwords.b!, 'isoxa', 'CREATE TABLE kine (id INTEGER PRIMARY KEY, name VARCHAR(100))');
    await flavour.run(server, 'user_b', passwords.b!, 'isoxa', "INSERT INTO kine (id, name) VALUES (1, 'b')");

    // Not into the other tenant's database, neither by connecting to it nor from its own.
    await expect(flavour.run(server, 'user_a', passwords.a!, 'isoxa', 'SELECT name FROM kine')).rejects.toThrow();
    if (flavour.driver === 'MySQL') {
      await expect(flavour.run(server, 'user_a', passwords.a!, 'iso_a', 'SELECT name FROM isoxa.kine')).rejects.toThrow(/denied/);
      await expect(flavour.run(server, 'user_a', passwords.a!, 'iso_a', 'CREATE DATABASE isoya')).rejects.toThrow(/denied/);
    } else {
      await expect(flavour.run(server, 'user_a', passwords.a!, 'postgres', 'CREATE DATABASE isoya')).rejects.toThrow(/permission denied/);
    }
    // Nor with someone else's password.
    await expect(flavour.run(server, 'user_a', passwords.b!, 'iso_a', 'SELECT 1')).rejects.toThrow();
  });

  it('ensureTenant without the current password sets a new one', async () => {
    const renewed = await admin.ensureTenant(tenantA);
    expect(renewed.changed).toBe(true);
    expect(renewed.password).not.toBe(passwords.a);
    await expect(flavour.run(server, 'user_a', passwords.a!, 'iso_a', 'SELECT 1')).rejects.toThrow();
    passwords.a = renewed.password!;
    // The data stayed.
    expect(await flavour.run(server, 'user_a', passwords.a, 'iso_a', 'SELECT name FROM kine')).toEqual([{ name: 'a' }]);
  });

  it('removeTenant drops database and user, leaves the other tenant, and is idempotent', async () => {
    await admin.removeTenant(tenantA);
    await admin.removeTenant(tenantA);
    expect(await flavour.exists(server, 'database', 'iso_a')).toBe(false);
    expect(await flavour.exists(server, 'user', 'user_a')).toBe(false);
    await expect(flavour.run(server, 'user_a', passwords.a!, 'iso_a', 'SELECT 1')).rejects.toThrow();
    expect(await flavour.run(server, 'user_b', passwords.b!, 'isoxa', 'SELECT name FROM kine')).toEqual([{ name: 'b' }]);
  });

  it('refuses names outside the allowlist before touching the database', async () => {
    for (const schema of ['iso"; DROP DATABASE isoxa; --', 'Upper', '1digit', 'dash-ed', 'mysql', 'postgres']) {
      await expect(admin.ensureTenant({ schema, username: 'user_c' })).rejects.toMatchObject({ reason: 'Misconfigured' });
    }
    await expect(admin.ensureTenant({ schema: 'iso_c', username: server.credentials.user })).rejects.toMatchObject({ reason: 'Misconfigured' });
    expect(await flavour.exists(server, 'database', 'isoxa')).toBe(true);
  });

  it('reports an admin user without the privileges to set up tenants as Misconfigured', async () => {
    // A tenant's own user is exactly such a user.
    const limited = await admin.ensureTenant({ schema: 'limited', username: 'limited' });
    try {
      const failure = await checkFailure(await adminFor(flavour.driver, endpoint, { username: 'limited', password: limited.password! }));
      expect(failure.reason).toBe('Misconfigured');
      expect(failure.message).toContain('user "limited" of spec.basicAuth needs');
    } finally {
      await admin.removeTenant({ schema: 'limited', username: 'limited' });
    }
  });

  it('reports a wrong password as AuthenticationFailed without quoting it', async () => {
    const failure = await checkFailure(await adminFor(flavour.driver, endpoint, { username: server.credentials.user, password: 'wrong-password-4711' }));
    expect(failure.reason).toBe('AuthenticationFailed');
    expect(failure.message).not.toContain('wrong-password-4711');
  });

  it('reports an endpoint where nothing listens as Unreachable', async () => {
    const failure = await checkFailure(await adminFor(flavour.driver, `127.0.0.1:${await closedPort()}`, { username: 'x', password: 'y' }));
    expect(failure.reason).toBe('Unreachable');
  });

  it('reports TLS asked of a server without TLS as TLSError', async () => {
    const ca = await createCertificateAuthority({ commonName: 'sql-ca', validityDays: 1 });
    const failure = await checkFailure(await adminFor(flavour.driver, endpoint, { username: server.credentials.user, password: server.credentials.password, ca: ca.certificate }));
    expect(failure.reason).toBe('TLSError');
  });
});

describe('PostgreSQL over TLS', async () => {
  const ca = await createCertificateAuthority({ commonName: 'tenant-datastore-test-pg-ca', validityDays: 2 });
  let server: Datastore<SqlCredentials>;
  let dir: string;

  beforeAll(async () => {
    server = await startPostgres();
    // The server reads its certificate as the postgres user, when we run as root.
    dir = mkdtempSync(join(tmpdir(), 'kamaji-pg-tls-'));
    const serving = await issueCertificate(ca, { commonName: 'postgres', ipAddresses: [server.host], usages: ['server'], validityDays: 1 });
    writeFileSync(join(dir, 'server.crt'), serving.certificate);
    writeFileSync(join(dir, 'server.key'), serving.privateKey, { mode: 0o600 });
    if (process.getuid?.() === 0) {
      const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
      for (const file of ['', 'server.crt', 'server.key']) chownSync(join(dir, file), id('-u'), id('-g'));
    }
    // ssl is reloadable: no restart needed.
    const admin = new pg.Client({ host: server.host, port: server.port, ...server.credentials });
    await admin.connect();
    try {
      await admin.query(`ALTER SYSTEM SET ssl_cert_file = ${admin.escapeLiteral(join(dir, 'server.crt'))}`);
      await admin.query(`ALTER SYSTEM SET ssl_key_file = ${admin.escapeLiteral(join(dir, 'server.key'))}`);
      await admin.query('ALTER SYSTEM SET ssl = on');
      await admin.query('SELECT pg_reload_conf()');
    } finally {
      await admin.end();
    }
  });
  afterAll(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const credentials = (caCertificate: string) => ({ username: server.credentials.user, password: server.credentials.password, ca: caCertificate });

  it('connects over TLS, verifying the server with the CA of spec.tlsConfig, and sets up a tenant', async () => {
    const admin = await adminFor('PostgreSQL', `${server.host}:${server.port}`, credentials(ca.certificate));
    try {
      await admin.checkConnection();
      const tenant = await admin.ensureTenant({ schema: 'tls_tenant', username: 'tls_tenant' });
      expect(tenant.changed).toBe(true);
      const client = new pg.Client({
        host: server.host,
        port: server.port,
        user: 'tls_tenant',
        password: tenant.password!,
        database: 'tls_tenant',
        ssl: { ca: ca.certificate },
      });
      await client.connect();
      try {
        expect((await client.query<{ ssl: boolean }>('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()')).rows).toEqual([{ ssl: true }]);
      } finally {
        await client.end();
      }
      await admin.removeTenant({ schema: 'tls_tenant', username: 'tls_tenant' });
    } finally {
      await admin.close();
    }
  });

  it('reports a CA that did not sign the server certificate as TLSError', async () => {
    const otherCa = await createCertificateAuthority({ commonName: 'someone-else', validityDays: 1 });
    const failure = await checkFailure(await adminFor('PostgreSQL', `${server.host}:${server.port}`, credentials(otherCa.certificate)));
    expect(failure.reason).toBe('TLSError');
    expect(failure.message).not.toContain(server.credentials.password);
  });
});
