// Step 3: the tenant's own schema (database or etcd prefix) and user in its DataStore, and the two
// Secrets the pods read them from: `<tcp>-datastore-config` (connection, schema, user, password)
// and `<tcp>-datastore-certificate` (CA and client certificate). The driver work itself is the
// DataStore package's (src/controllers/datastore/); this step decides and records.
import { randomUUID } from 'node:crypto';
import type { DataStore, TenantControlPlane } from '../../apis/index.ts';
import type { DataStoreConnection, DataStoreTlsMaterial } from '../datastore/connection.ts';
import { issueTenantEtcdClientCertificate } from '../datastore/etcd-client-certificate.ts';
import { DataStoreCheckError } from '../datastore/errors.ts';
import { apiErrorMessage, deleteObject, kubeTime } from '../runtime/kube-client.ts';
import { ensureGeneratedSecret, decodeSecretData, buildSecret, type EnsuredSecret } from './generated-secret.ts';
import { readOwnedSecret } from './owned-secrets.ts';
import { checksum, secretName, ANNOTATION_CHECKSUM } from './names.ts';
import { StepError, type PassContext } from './step.ts';

/** The TLS material of a DataStore, resolved from inline content or Secrets (none when it has no tlsConfig). */
export type DataStoreTls = Partial<DataStoreTlsMaterial>;

export interface TenantIdentity {
  schema: string;
  username: string;
}

/** What the controller needs from the DataStore package, per DataStore. */
export interface TenantDatastores {
  /** The DataStore's driver, endpoints and credentials, read from inline content or Secrets. */
  connection(dataStore: DataStore): Promise<DataStoreConnection>;
  /** Creates or updates schema, user and grants; `changed` when anything was created or altered. */
  ensureTenant(dataStore: DataStore, tenant: TenantIdentity & { password?: string }): Promise<{ changed: boolean }>;
  /** Drops the tenant's user, grants and schema or prefix (data included). */
  removeTenant(dataStore: DataStore, tenant: TenantIdentity): Promise<void>;
}

export function tenantIdentity(tcp: TenantControlPlane): TenantIdentity {
  const schema = tcp.spec.dataStoreSchema;
  const username = tcp.spec.dataStoreUsername;
  if (!schema || !username) {
    throw new StepError(
      'DataStoreSchemaMissing',
      'spec.dataStoreSchema and spec.dataStoreUsername must be set (they are defaulted on create from the object uid)',
    );
  }
  return { schema, username };
}

/** DB_CONNECTION_STRING as kine (SQL: host:port) and kube-apiserver (etcd: https URLs) use it. */
export function connectionString(dataStore: DataStore): string {
  const endpoints = dataStore.spec.endpoints;
  return dataStore.spec.driver === 'etcd' ? endpoints.map((endpoint) => `https://${endpoint}`).join(',') : (endpoints[0] ?? '');
}

export async function reconcileDatastore(ctx: PassContext): Promise<void> {
  const { tcp, dataStore, managementClient } = ctx;
  const identity = tenantIdentity(tcp);
  const namespace = tcp.metadata.namespace ?? '';
  const driver = dataStore.spec.driver;

  const connection = await ctx.datastores.connection(dataStore).catch((error: unknown) => {
    throw new StepError('DataStoreCredentialsUnavailable', `DataStore "${dataStore.metadata.name}": ${apiErrorMessage(error)}`);
  });
  ctx.dataStoreTls = connection.tls ?? {};

  // The password is made once and kept: rotating it would need the running kine to follow.
  const configName = secretName(tcp, 'datastoreConfig');
  const configSecret = await readOwnedSecret(ctx, namespace, configName);
  const existingConfig = decodeSecretData(configSecret);
  const password = driver === 'etcd' ? '' : existingConfig.DB_PASSWORD || randomUUID().replaceAll('-', '');
  const config = {
    DB_CONNECTION_STRING: connectionString(dataStore),
    DB_SCHEMA: identity.schema,
    DB_USER: identity.username,
    DB_PASSWORD: password,
  };

  const setupChecksum = checksum({ dataStore: dataStore.metadata.name, driver, ...identity, password: checksum(password) });
  const previousSetup = ctx.status.storage?.setup;
  const setupDone = previousSetup?.checksum === setupChecksum && ctx.status.storage?.dataStoreName === dataStore.metadata.name;
  let setupLastUpdate = previousSetup?.lastUpdate;
  if (!setupDone || !existingConfig.DB_USER) {
    try {
      const result = await ctx.datastores.ensureTenant(dataStore, { ...identity, ...(password ? { password } : {}) });
      if (result.changed || !setupLastUpdate) setupLastUpdate = kubeTime(new Date());
    } catch (error) {
      throw new StepError(
        'DataStoreSetupFailed',
        `cannot create schema "${identity.schema}" and user "${identity.username}" in DataStore "${dataStore.metadata.name}" (${driver}): ${apiErrorMessage(error)}`,
      );
    }
    ctx.events.record(tcp, 'Normal', 'DataStoreSetUp', `schema "${identity.schema}" and user "${identity.username}" ready in DataStore "${dataStore.metadata.name}"`);
  }

  // The Secret is written after the user exists, so kine never starts with credentials that do not work yet.
  const configChecksum = checksum(config);
  if (checksum(existingConfig) !== configChecksum) {
    const secret = buildSecret(tcp, configName, 'datastore-config', config, { [ANNOTATION_CHECKSUM]: configChecksum });
    if (configSecret) {
      secret.metadata!.resourceVersion = configSecret.metadata?.resourceVersion;
      await managementClient.replace(secret);
    } else {
      await managementClient.create(secret);
    }
  }
  ctx.checksums[configName] = configChecksum;

  const certificate = await ensureDatastoreCertificate(ctx, identity, connection);
  ctx.checksums[certificate.name] = certificate.checksum;

  ctx.status.storage = {
    driver,
    dataStoreName: dataStore.metadata.name ?? '',
    config: { secretName: configName, checksum: configChecksum },
    setup: { schema: identity.schema, user: identity.username, checksum: setupChecksum, ...(setupLastUpdate ? { lastUpdate: setupLastUpdate } : {}) },
    certificate: {
      secretName: certificate.name,
      checksum: certificate.checksum,
      ...lastUpdateOf(certificate, ctx.status.storage?.certificate?.lastUpdate),
    },
  };
}

function lastUpdateOf(secret: EnsuredSecret, previous: string | undefined): { lastUpdate?: string } {
  const lastUpdate = secret.lastUpdate ?? previous;
  return lastUpdate ? { lastUpdate } : {};
}

/**
 * etcd: a client certificate signed by the DataStore CA whose CN is the tenant's etcd user (etcd
 * maps the CN to the user), issued by the DataStore package. SQL: the DataStore's own CA and client
 * certificate, for kine.
 */
async function ensureDatastoreCertificate(ctx: PassContext, identity: TenantIdentity, connection: DataStoreConnection): Promise<EnsuredSecret> {
  const { tcp, dataStore } = ctx;
  const tls: DataStoreTls = connection.tls ?? {};
  if (dataStore.spec.driver === 'etcd') {
    const ca = tls.certificateAuthority ?? '';
    return ensureGeneratedSecret(ctx, tcp, {
      purpose: 'datastoreCertificate',
      component: 'datastore-certificate',
      inputs: { ca: checksum(ca), user: identity.username },
      keys: ['ca.crt', 'server.crt', 'server.key'],
      issuer: ca,
      certificatesIn: (data) => [data['server.crt'] ?? ''],
      generate: async () => {
        try {
          const issued = await issueTenantEtcdClientCertificate(connection, identity.username);
          return { 'ca.crt': ca, 'server.crt': issued.certificate, 'server.key': issued.privateKey };
        } catch (error) {
          if (error instanceof DataStoreCheckError) throw new StepError('DataStoreCertificateAuthorityMissing', error.message);
          throw error;
        }
      },
    });
  }
  const data = {
    ...(tls.certificateAuthority ? { 'ca.crt': tls.certificateAuthority } : {}),
    ...(tls.clientCertificate ? { 'server.crt': tls.clientCertificate } : {}),
    ...(tls.clientKey ? { 'server.key': tls.clientKey } : {}),
  };
  return ensureGeneratedSecret(ctx, tcp, {
    purpose: 'datastoreCertificate',
    component: 'datastore-certificate',
    inputs: { content: checksum(data) },
    keys: Object.keys(data),
    certificatesIn: () => [],
    generate: async () => data,
  });
}

/** Deletion: drop the tenant's data and user, then its credentials. */
export async function cleanupDatastore(
  ctx: Pick<PassContext, 'tcp' | 'managementClient' | 'datastores' | 'events'>,
  dataStore: DataStore | undefined,
): Promise<void> {
  const { tcp } = ctx;
  const identity = tenantIdentity(tcp);
  if (!dataStore) {
    // Nothing to connect to: keeping the finalizer would only leave the tcp stuck (Kamaji #780).
    ctx.events.record(
      tcp,
      'Warning',
      'DataStoreNotFound',
      `DataStore "${tcp.spec.dataStore}" no longer exists: schema "${identity.schema}" and user "${identity.username}" were not removed`,
    );
  } else {
    try {
      await ctx.datastores.removeTenant(dataStore, identity);
    } catch (error) {
      throw new StepError(
        'DataStoreCleanupFailed',
        `cannot remove schema "${identity.schema}" and user "${identity.username}" from DataStore "${dataStore.metadata.name}": ${apiErrorMessage(error)}`,
      );
    }
    ctx.events.record(tcp, 'Normal', 'DataStoreCleanedUp', `removed schema "${identity.schema}" and user "${identity.username}" from DataStore "${dataStore.metadata.name}"`);
  }
  const configName = secretName(tcp, 'datastoreConfig');
  await deleteObject(ctx.managementClient, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: configName, namespace: tcp.metadata.namespace ?? '' },
  });
}
