// The storage layer's public face: the contract, the drivers, and one factory from configuration.
import { EtcdStorage, type EtcdTlsConfig } from './etcd.ts';
import { MemoryDatastore, MemoryStorage } from './memory.ts';
import { openMySqlStorage, type MySqlStorageConfig as MySqlDriverConfig } from './mysql.ts';
import { openPostgresStorage, type PostgresStorageConfig as PostgresDriverConfig } from './postgres.ts';
import type { Storage } from './storage.ts';

export type * from './storage.ts';
export * from './errors.ts';
export { EtcdStorage, validateEtcdPrefix, type EtcdStorageOptions, type EtcdTlsConfig } from './etcd.ts';
export { MemoryDatastore, MemoryStorage, type MemoryDatastoreOptions } from './memory.ts';
export { guaranteedUpdate, type GuaranteedUpdateOptions, type TryUpdate } from './guaranteed-update.ts';
export { instrumentStorage, type ObserveStorageCall } from './instrumented.ts';
export { openPostgresStorage } from './postgres.ts';
export { openMySqlStorage } from './mysql.ts';
export { IncompatibleSchemaError } from './sql/schema.ts';
export type { SqlTlsConfig } from './sql/config.ts';

export interface MemoryStorageConfig {
  driver: 'memory';
  /** Events kept for old reads and watches (default 10 000). */
  historyLimit?: number;
}

export interface EtcdStorageConfig {
  driver: 'etcd';
  endpoints: string[];
  /** Every key lives under it, e.g. '/kamaji/'. */
  prefix: string;
  tls?: EtcdTlsConfig;
}

/** PostgreSQL: a kine-style log table in the database named by `url` (LISTEN/NOTIFY for watch). */
export interface PostgresStorageConfig extends PostgresDriverConfig {
  driver: 'postgres';
}

/** MySQL or MariaDB: a kine-style log table in the database named by `url` (polling for watch). */
export interface MySqlStorageConfig extends MySqlDriverConfig {
  driver: 'mysql';
}

/** Which datastore holds the server's own state. Add a member per driver. */
export type StorageConfig = MemoryStorageConfig | EtcdStorageConfig | PostgresStorageConfig | MySqlStorageConfig;

/** Opens the configured driver. Invalid settings throw an Error naming the field. */
export async function createStorage(config: StorageConfig): Promise<Storage> {
  switch (config.driver) {
    case 'memory':
      return new MemoryStorage(new MemoryDatastore({ ...(config.historyLimit !== undefined && { historyLimit: config.historyLimit }) }));
    case 'etcd':
      return new EtcdStorage({ endpoints: config.endpoints, prefix: config.prefix, ...(config.tls && { tls: config.tls }) });
    case 'postgres': {
      const { driver: _postgres, ...options } = config;
      return openPostgresStorage(options);
    }
    case 'mysql': {
      const { driver: _mysql, ...options } = config;
      return openMySqlStorage(options);
    }
    default: {
      const unknown: { driver?: unknown } = config;
      throw new Error(`storage: unknown driver ${JSON.stringify(unknown.driver)}`);
    }
  }
}
