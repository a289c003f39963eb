// etcd: a tenant is a key prefix `/<schema>/`, a role `<schema>` with readwrite on it, and a user
// `<username>` without password holding that role. etcd maps a client certificate's CN to the
// user, so the tenant's kube-apiserver authenticates with a certificate issued for that CN.
// Roles only bite with authentication enabled; with the root certificate we enable it ourselves.
import {
  Etcd3,
  EtcdPermissionDeniedError,
  EtcdRoleNotFoundError,
  EtcdRoleNotGrantedError,
  EtcdUserNotFoundError,
  Range,
  type IOptions,
} from 'etcd3';
import { parseCertificate } from '../../pki/index.ts';
import { formatEndpoint, type DataStoreConnection } from './connection.ts';
import { classifyConnectionError, DataStoreCheckError } from './errors.ts';
import { requireTenantNames } from './identifiers.ts';
import type { EnsureTenantRequest, EnsureTenantResult, TenantDatastoreAdmin, TenantRef } from './tenant-datastore-admin.ts';

const CALL_TIMEOUT_MS = 5_000;
const ROOT = 'root';
const CONNECT = 'connect';

export function createEtcdTenantAdmin(connection: DataStoreConnection): TenantDatastoreAdmin {
  const tls = connection.tls;
  if (!tls?.clientCertificate || !tls.clientKey) {
    throw new DataStoreCheckError('Misconfigured', 'spec.tlsConfig.clientCertificate: the etcd driver authenticates with a client certificate');
  }
  const clientCommonName = parseCertificate(tls.clientCertificate).commonName;
  const options: IOptions = {
    hosts: connection.endpoints.map((endpoint) => `https://${formatEndpoint(endpoint)}`),
    credentials: {
      rootCertificate: Buffer.from(tls.certificateAuthority),
      certChain: Buffer.from(tls.clientCertificate),
      privateKey: Buffer.from(tls.clientKey),
    },
    dialTimeout: CALL_TIMEOUT_MS,
    defaultCallOptions: () => ({ deadline: new Date(Date.now() + CALL_TIMEOUT_MS) }),
  };
  let etcdClient: Etcd3 | undefined;
  const client = () => (etcdClient ??= new Etcd3(options));
  const endpoints = connection.endpoints.map(formatEndpoint).join(', ');

  /** Runs `op`, turning connection failures into DataStoreCheckErrors a person can act on. */
  async function call<T>(what: string, op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (error) {
      if (error instanceof DataStoreCheckError) throw error;
      throw describe(error, what, endpoints, clientCommonName);
    }
  }

  return {
    async checkConnection() {
      await call(CONNECT, async () => {
        const status = await client().auth.authStatus();
        // With authentication on, managing users takes the root role: prove we hold it.
        if (status.enabled) await client().auth.userList();
        // Off, only the root certificate can turn it on, which tenants need to be kept apart.
        else if (clientCommonName !== ROOT) throw authenticationOffWithout(clientCommonName);
      });
    },

    async ensureTenant(request: EnsureTenantRequest): Promise<EnsureTenantResult> {
      const { schema, username } = requireTenantNames('etcd', request);
      return call(`set up tenant "${schema}"`, async () => {
        const auth = client().auth;
        let changed = await ensureAuthEnabled(client(), clientCommonName);
        const prefix = Buffer.from(`/${schema}/`);
        const rangeEnd = Range.prefix(prefix).end;

        const roles = await auth.userGet({ name: username }).then(
          (user) => user.roles,
          (error: unknown) => {
            if (error instanceof EtcdUserNotFoundError) return undefined;
            throw error;
          },
        );
        if (roles === undefined) {
          await auth.userAdd({ name: username, options: { no_password: true } });
          changed = true;
        }
        const permissions = await auth.roleGet({ role: schema }).then(
          (role) => role.perm,
          (error: unknown) => {
            if (error instanceof EtcdRoleNotFoundError) return undefined;
            throw error;
          },
        );
        if (permissions === undefined) {
          await auth.roleAdd({ name: schema });
          changed = true;
        }
        const granted = (permissions ?? []).some(
          (p) => p.permType === 'Readwrite' && Buffer.compare(p.key, prefix) === 0 && Buffer.compare(p.range_end, rangeEnd) === 0,
        );
        if (!granted) {
          await auth.roleGrantPermission({ name: schema, perm: { permType: 'Readwrite', key: prefix, range_end: rangeEnd } });
          changed = true;
        }
        if (!(roles ?? []).includes(schema)) {
          await auth.userGrantRole({ user: username, role: schema });
          changed = true;
        }
        return { changed };
      });
    },

    async removeTenant(tenant: TenantRef) {
      const { schema, username } = requireTenantNames('etcd', tenant);
      await call(`remove tenant "${schema}"`, async () => {
        const auth = client().auth;
        await auth.userRevokeRole({ name: username, role: schema }).catch(ignore(EtcdUserNotFoundError, EtcdRoleNotGrantedError, EtcdRoleNotFoundError));
        await client().delete().prefix(`/${schema}/`);
        await auth.roleDelete({ role: schema }).catch(ignore(EtcdRoleNotFoundError));
        await auth.userDelete({ name: username }).catch(ignore(EtcdUserNotFoundError));
      });
    },

    async close() {
      etcdClient?.close();
      etcdClient = undefined;
    },
  };
}

/**
 * Turns on etcd authentication when it is off and we hold the root certificate: the root user
 * (certificate-authenticated, no password) with the root role, then `auth enable`. Without the
 * root certificate the tenants could not be kept apart, so that is refused.
 */
async function ensureAuthEnabled(client: Etcd3, clientCommonName: string): Promise<boolean> {
  const { enabled } = await client.auth.authStatus();
  if (enabled) return false;
  if (clientCommonName !== ROOT) throw authenticationOffWithout(clientCommonName);
  const roles = await client.auth.userGet({ name: ROOT }).then(
    (user) => user.roles,
    (error: unknown) => {
      if (error instanceof EtcdUserNotFoundError) return undefined;
      throw error;
    },
  );
  if (roles === undefined) await client.auth.userAdd({ name: ROOT, options: { no_password: true } });
  if (!roles?.includes(ROOT)) await client.auth.userGrantRole({ user: ROOT, role: ROOT });
  await client.auth.authEnable();
  return true;
}

function authenticationOffWithout(clientCommonName: string): DataStoreCheckError {
  return new DataStoreCheckError(
    'Misconfigured',
    `etcd authentication is disabled and the DataStore's client certificate (CN "${clientCommonName}") is not etcd's root user: ` +
      'without authentication tenants could read each other\'s keys; give the DataStore a client certificate with CN "root" or enable authentication in etcd',
  );
}

function ignore(...kinds: (new (...args: never[]) => Error)[]): (error: unknown) => void {
  return (error) => {
    if (!kinds.some((kind) => error instanceof kind)) throw error;
  };
}

function describe(error: unknown, what: string, endpoints: string, clientCommonName: string): Error {
  const detail = error instanceof Error ? error.message : String(error);
  if (error instanceof EtcdPermissionDeniedError) {
    return new DataStoreCheckError(
      'AuthenticationFailed',
      `etcd at ${endpoints} refused to ${what} for the client certificate's user "${clientCommonName}": it needs etcd's root role (${detail})`,
    );
  }
  // With authentication on, etcd looks the certificate's CN up as a user.
  if (error instanceof EtcdUserNotFoundError || /user name not found/.test(detail)) {
    return new DataStoreCheckError(
      'AuthenticationFailed',
      `etcd at ${endpoints} has no user "${clientCommonName}" for the client certificate's CN: use a certificate for etcd's root user (${detail})`,
    );
  }
  switch (classifyConnectionError(error)) {
    case 'TLSError':
      return new DataStoreCheckError('TLSError', `TLS handshake with etcd at ${endpoints} failed: check spec.tlsConfig (the CA must have signed etcd's server certificate and etcd must trust the client certificate): ${detail}`);
    case 'AuthenticationFailed':
      return new DataStoreCheckError('AuthenticationFailed', `etcd at ${endpoints} did not accept the client certificate (user "${clientCommonName}"): ${detail}`);
    case 'Unreachable':
      return new DataStoreCheckError('Unreachable', `cannot reach etcd at ${endpoints}: ${detail}`);
    default:
      // A connection check that failed for no reason we recognise still means no usable etcd.
      return what === CONNECT
        ? new DataStoreCheckError('Unreachable', `etcd at ${endpoints}: cannot ${what}: ${detail}`)
        : new Error(`etcd at ${endpoints}: cannot ${what}: ${detail}`);
  }
}
