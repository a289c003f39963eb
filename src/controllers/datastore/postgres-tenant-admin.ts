// PostgreSQL: a tenant is a LOGIN role with a password and a database it owns, closed to every
// other role (REVOKE CONNECT ... FROM PUBLIC). Role statements take no bind parameters, so names
// go through the client's escapeIdentifier and the password through its escapeLiteral; lookups
// are parameterized. Each operation opens its own connection: they are rare, and a connection kept
// open would only go stale between them.
import pg from 'pg';
import { formatEndpoint, type DataStoreConnection } from './connection.ts';
import { DataStoreCheckError } from './errors.ts';
import { requireTenantNames } from './identifiers.ts';
import { randomPassword } from './password.ts';
import { describeSqlError } from './sql-errors.ts';
import type { EnsureTenantRequest, EnsureTenantResult, TenantDatastoreAdmin, TenantRef } from './tenant-datastore-admin.ts';

const CONNECT_TIMEOUT_MS = 5_000;
/** The database every PostgreSQL server has; the admin connection lands there. */
const ADMIN_DATABASE = 'postgres';

export function createPostgresTenantAdmin(connection: DataStoreConnection): TenantDatastoreAdmin {
  const endpoint = connection.endpoints[0];
  const basicAuth = connection.basicAuth;
  if (!endpoint || !basicAuth) throw new DataStoreCheckError('Misconfigured', 'spec.basicAuth: the PostgreSQL driver needs a user name and password');
  const server = `PostgreSQL at ${formatEndpoint(endpoint)}`;
  const tls = connection.tls;
  const config: pg.ClientConfig = {
    host: endpoint.host,
    port: endpoint.port,
    user: basicAuth.username,
    password: basicAuth.password,
    database: ADMIN_DATABASE,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    ...(tls ? { ssl: { ca: tls.certificateAuthority, ...(tls.clientCertificate ? { cert: tls.clientCertificate, key: tls.clientKey } : {}) } } : {}),
  };

  async function session<T>(what: string, secrets: string[], work: (db: pg.Client) => Promise<T>): Promise<T> {
    const db = new pg.Client(config);
    // A connection that dies between queries reports here, not as an unhandled 'error' event.
    db.on('error', () => {});
    try {
      await db.connect();
      return await work(db);
    } catch (error) {
      throw describeSqlError(error, { server, what, secrets: [basicAuth!.password, ...secrets] });
    } finally {
      await db.end().catch(() => {});
    }
  }

  return {
    async checkConnection() {
      await session('check the connection', [], async (db) => {
        const { rows } = await db.query<{ allowed: boolean }>(
          'SELECT rolsuper OR (rolcreaterole AND rolcreatedb) AS allowed FROM pg_catalog.pg_roles WHERE rolname = current_user',
        );
        if (!rows[0]?.allowed) {
          throw new DataStoreCheckError('Misconfigured', `${server}: user "${basicAuth.username}" of spec.basicAuth needs SUPERUSER or CREATEROLE and CREATEDB to set up tenants`);
        }
      });
    },

    async ensureTenant(request: EnsureTenantRequest): Promise<EnsureTenantResult> {
      const { schema, username } = requireTenantNames('PostgreSQL', request, basicAuth.username);
      const password = request.password ?? randomPassword();
      return session(`set up database "${schema}" and role "${username}"`, [password], async (db) => {
        const role = db.escapeIdentifier(username);
        const database = db.escapeIdentifier(schema);
        let changed = false;

        const roleExists = (await db.query('SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1', [username])).rowCount! > 0;
        // Setting the password the caller keeps is not a change; a new one is.
        await db.query(`${roleExists ? 'ALTER' : 'CREATE'} ROLE ${role} WITH LOGIN PASSWORD ${db.escapeLiteral(password)}`);
        if (!roleExists || request.password === undefined) changed = true;

        const owner = await databaseOwner(db, schema);
        if (owner === undefined) {
          await db.query(`CREATE DATABASE ${database} OWNER ${role}`);
          changed = true;
        } else if (owner !== username) {
          // Handing a database over would give one tenant another's data.
          throw new DataStoreCheckError('Misconfigured', `${server}: database "${schema}" exists and belongs to "${owner}", not to the tenant user "${username}"`);
        }
        const { rows } = await db.query<{ open: boolean }>("SELECT has_database_privilege('public', $1, 'CONNECT') AS open", [schema]);
        if (rows[0]?.open) {
          await db.query(`REVOKE CONNECT, TEMPORARY ON DATABASE ${database} FROM PUBLIC`);
          changed = true;
        }
        return { changed, password };
      });
    },

    async removeTenant(tenant: TenantRef) {
      const { schema, username } = requireTenantNames('PostgreSQL', tenant, basicAuth.username);
      await session(`remove database "${schema}" and role "${username}"`, [], async (db) => {
        const owner = await databaseOwner(db, schema);
        if (owner !== undefined && owner !== username) {
          throw new DataStoreCheckError('Misconfigured', `${server}: database "${schema}" belongs to "${owner}", not to the tenant user "${username}": not dropped`);
        }
        await db.query(`DROP DATABASE IF EXISTS ${db.escapeIdentifier(schema)} WITH (FORCE)`);
        const roleExists = (await db.query('SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1', [username])).rowCount! > 0;
        if (roleExists) {
          // Whatever the role still owns or was granted here would keep DROP ROLE from working.
          await db.query(`DROP OWNED BY ${db.escapeIdentifier(username)}`);
          await db.query(`DROP ROLE IF EXISTS ${db.escapeIdentifier(username)}`);
        }
      });
    },

    async close() {},
  };
}

async function databaseOwner(db: pg.Client, schema: string): Promise<string | undefined> {
  const { rows } = await db.query<{ owner: string }>(
    'SELECT pg_catalog.pg_get_userbyid(datdba) AS owner FROM pg_catalog.pg_database WHERE datname = $1',
    [schema],
  );
  return rows[0]?.owner;
}
