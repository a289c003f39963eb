// Tenant schema and user names are checked against a strict allowlist before they reach any
// database, on top of the drivers' own quoting: lower-case letters, digits and underscores,
// starting with a letter or underscore (what the TenantControlPlane schema admits), within each
// database's length limit.
import type { DataStoreDriver } from '../../apis/index.ts';
import { DataStoreCheckError } from './errors.ts';

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** PostgreSQL truncates names beyond 63 bytes; MySQL caps database names at 64 and user names at 32. */
const LIMITS: Record<DataStoreDriver, { schema: number; username: number }> = {
  etcd: { schema: 63, username: 63 },
  PostgreSQL: { schema: 63, username: 63 },
  MySQL: { schema: 64, username: 32 },
};

export interface TenantNames {
  schema: string;
  username: string;
}

/**
 * Names a tenant may never take: the databases' own (removing a tenant drops its schema), etcd's
 * root role and user, the prefix a Kubernetes API server keeps in a shared etcd, and the DataStore's
 * own admin user (ensuring a tenant resets its user's password).
 */
const RESERVED_SCHEMAS = new Set(['postgres', 'template0', 'template1', 'mysql', 'information_schema', 'performance_schema', 'sys', 'root', 'registry']);
const RESERVED_USERS = new Set(['postgres', 'root', 'mysql', 'public', 'mariadb_sys']);

export function requireTenantNames(driver: DataStoreDriver, names: TenantNames, adminUsername?: string): TenantNames {
  requireIdentifier('schema', names.schema, LIMITS[driver].schema);
  if (RESERVED_SCHEMAS.has(names.schema)) {
    throw new DataStoreCheckError('Misconfigured', `tenant schema "${names.schema}" is reserved by the database and cannot belong to a tenant`);
  }
  requireTenantUsername(driver, names.username, adminUsername);
  return names;
}

export function requireTenantUsername(driver: DataStoreDriver, username: string, adminUsername?: string): string {
  requireIdentifier('username', username, LIMITS[driver].username);
  if (RESERVED_USERS.has(username) || username.startsWith('pg_') || username === adminUsername) {
    throw new DataStoreCheckError('Misconfigured', `tenant username "${username}" is reserved (a system or the DataStore's own user) and cannot belong to a tenant`);
  }
  return username;
}

function requireIdentifier(what: 'schema' | 'username', value: unknown, maxLength: number): void {
  if (typeof value !== 'string' || !IDENTIFIER.test(value)) {
    throw new DataStoreCheckError(
      'Misconfigured',
      `tenant ${what} ${JSON.stringify(value)} is not allowed: use lower-case letters, digits and underscores, starting with a letter or underscore`,
    );
  }
  if (value.length > maxLength) {
    throw new DataStoreCheckError('Misconfigured', `tenant ${what} "${value}" is ${value.length} characters long; at most ${maxLength} are allowed here`);
  }
}
