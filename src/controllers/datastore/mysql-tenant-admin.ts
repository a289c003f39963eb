// MySQL and MariaDB: a tenant is a database and a user `<username>`@`%` with the privileges kine
// needs on that database alone. Every name and value goes through mysql2's escaping (`??` for
// identifiers, `?` for values); the statements are plain queries, since the server does not
// prepare account statements. Each operation opens its own connection.
import { createConnection, type Connection, type ConnectionOptions, type ResultSetHeader, type RowDataPacket } from 'mysql2/promise';
import { formatEndpoint, type DataStoreConnection } from './connection.ts';
import { DataStoreCheckError } from './errors.ts';
import { requireTenantNames } from './identifiers.ts';
import { randomPassword } from './password.ts';
import { describeSqlError } from './sql-errors.ts';
import type { EnsureTenantRequest, EnsureTenantResult, TenantDatastoreAdmin, TenantRef } from './tenant-datastore-admin.ts';

const CONNECT_TIMEOUT_MS = 5_000;
/** Tenant users connect from kine in any pod: any host. */
const ANY_HOST = '%';
const TENANT_PRIVILEGES = 'SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, DROP';

export function createMysqlTenantAdmin(connection: DataStoreConnection): TenantDatastoreAdmin {
  const endpoint = connection.endpoints[0];
  const basicAuth = connection.basicAuth;
  if (!endpoint || !basicAuth) throw new DataStoreCheckError('Misconfigured', 'spec.basicAuth: the MySQL driver needs a user name and password');
  const server = `MySQL at ${formatEndpoint(endpoint)}`;
  const tls = connection.tls;
  const options: ConnectionOptions = {
    host: endpoint.host,
    port: endpoint.port,
    user: basicAuth.username,
    password: basicAuth.password,
    connectTimeout: CONNECT_TIMEOUT_MS,
    ...(tls ? { ssl: { ca: tls.certificateAuthority, ...(tls.clientCertificate ? { cert: tls.clientCertificate, key: tls.clientKey } : {}) } } : {}),
  };

  async function session<T>(what: string, secrets: string[], work: (db: Connection) => Promise<T>): Promise<T> {
    let db: Connection | undefined;
    try {
      db = await createConnection(options);
      // A connection that dies between queries reports here, not as an unhandled 'error' event.
      db.on('error', () => {});
      return await work(db);
    } catch (error) {
      throw describeSqlError(error, { server, what, secrets: [basicAuth!.password, ...secrets] });
    } finally {
      await db?.end().catch(() => {});
    }
  }

  return {
    async checkConnection() {
      await session('check the connection', [], async (db) => {
        // Setting up a tenant creates a user and grants it privileges: CREATE USER and GRANT OPTION.
        const [rows] = await db.query<RowDataPacket[]>(
          "SELECT PRIVILEGE_TYPE AS privilege, IS_GRANTABLE AS grantable FROM information_schema.USER_PRIVILEGES " +
            "WHERE GRANTEE = CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''', SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''')",
        );
        const canCreateUsers = rows.some((row) => row.privilege === 'CREATE USER');
        const canGrant = rows.some((row) => row.grantable === 'YES');
        if (!canCreateUsers || !canGrant) {
          throw new DataStoreCheckError(
            'Misconfigured',
            `${server}: user "${basicAuth.username}" of spec.basicAuth needs global privileges WITH GRANT OPTION (at least CREATE USER, CREATE, DROP and the tenant privileges) to set up tenants`,
          );
        }
      });
    },

    async ensureTenant(request: EnsureTenantRequest): Promise<EnsureTenantResult> {
      const { schema, username } = requireTenantNames('MySQL', request, basicAuth.username);
      const password = request.password ?? randomPassword();
      return session(`set up database "${schema}" and user "${username}"`, [password], async (db) => {
        let changed = false;
        const [databases] = await db.query<RowDataPacket[]>('SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [schema]);
        if (databases.length === 0) {
          await db.query('CREATE DATABASE IF NOT EXISTS ??', [schema]);
          changed = true;
        }
        const [created] = await db.query<ResultSetHeader>('CREATE USER IF NOT EXISTS ?@? IDENTIFIED BY ?', [username, ANY_HOST, password]);
        // An existing user keeps its password through CREATE USER IF NOT EXISTS (with a warning):
        // set the one the caller keeps. Setting it again is no change; a new one is.
        if (created.warningStatus > 0) await db.query('ALTER USER ?@? IDENTIFIED BY ?', [username, ANY_HOST, password]);
        if (created.warningStatus === 0 || request.password === undefined) changed = true;
        await db.query(`GRANT ${TENANT_PRIVILEGES} ON ??.* TO ?@?`, [grantDatabaseName(schema), username, ANY_HOST]);
        return { changed, password };
      });
    },

    async removeTenant(tenant: TenantRef) {
      const { schema, username } = requireTenantNames('MySQL', tenant, basicAuth.username);
      await session(`remove database "${schema}" and user "${username}"`, [], async (db) => {
        await db.query('DROP DATABASE IF EXISTS ??', [schema]);
        await db.query('DROP USER IF EXISTS ?@?', [username, ANY_HOST]);
      });
    },

    async close() {},
  };
}

/**
 * In GRANT, `_` and `%` in a database name are LIKE wildcards: `tcp_a` would also match a database
 * `tcpxa` of another tenant. Escaped, the grant covers the tenant's own database only.
 */
export function grantDatabaseName(schema: string): string {
  return schema.replace(/[\\_%]/g, '\\$&');
}
