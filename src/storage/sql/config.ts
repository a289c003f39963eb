// Options shared by the PostgreSQL and MySQL drivers, with their defaults and validation.

import { loadPem } from '../pem.ts';
import type { SqlLogStorageOptions } from './sql-log-storage.ts';

export interface SqlTlsConfig {
  /** CA bundle that signed the database server's certificate: PEM text or a file path. */
  ca: string;
  /** Client certificate, for databases that authenticate clients by certificate: PEM or path (with `key`). */
  cert?: string;
  /** The client certificate's private key: PEM text or a file path (with `cert`). */
  key?: string;
}

export interface SqlStorageConfig {
  /** postgres://user:password@host:port/database or mysql://user:password@host:port/database */
  url: string;
  /** Connections in the pool (default 10). PostgreSQL opens one more for LISTEN. */
  poolSize?: number;
  /** Verify the server against this CA (and optionally present a client certificate). */
  tls?: SqlTlsConfig;
  /** How often old revisions are compacted in the background (default 5 minutes; 0 = never). */
  compactIntervalMs?: number;
  /** Revisions kept readable behind the newest one after compaction (default 1000). */
  compactRetainRevisions?: number;
  /** Reports failures of background work (compaction, watch feed retries). */
  onBackgroundError?: (what: string, error: Error) => void;
}

export interface ResolvedSqlConfig {
  url: URL;
  poolSize: number;
  tls: { ca: Buffer; cert?: Buffer; key?: Buffer } | undefined;
  log: Omit<SqlLogStorageOptions, 'signal'>;
}

const DEFAULT_POOL_SIZE = 10;
const DEFAULT_COMPACT_INTERVAL_MS = 5 * 60_000;
const DEFAULT_COMPACT_RETAIN = 1_000;

/** Validates the config, naming the field at fault; never echoes the URL (it may hold a password). */
export function resolveSqlConfig(driver: 'postgres' | 'mysql', config: SqlStorageConfig, schemes: readonly string[]): ResolvedSqlConfig {
  let url: URL;
  try {
    url = new URL(config.url);
  } catch {
    throw new Error(`${driver} storage: url is not a valid URL`);
  }
  if (!schemes.includes(url.protocol.slice(0, -1))) {
    throw new Error(`${driver} storage: url must start with ${schemes.map((scheme) => `${scheme}://`).join(' or ')}`);
  }
  if (url.pathname.length <= 1) throw new Error(`${driver} storage: url must name the database (…/database)`);
  const poolSize = positiveInteger(driver, 'poolSize', config.poolSize ?? DEFAULT_POOL_SIZE);
  const compactIntervalMs = config.compactIntervalMs ?? DEFAULT_COMPACT_INTERVAL_MS;
  if (!Number.isSafeInteger(compactIntervalMs) || compactIntervalMs < 0) {
    throw new Error(`${driver} storage: compactIntervalMs must be a non-negative integer`);
  }
  const compactRetainRevisions = positiveInteger(driver, 'compactRetainRevisions', config.compactRetainRevisions ?? DEFAULT_COMPACT_RETAIN);
  if ((config.tls?.cert === undefined) !== (config.tls?.key === undefined)) {
    throw new Error(`${driver} storage: tls.cert and tls.key must be given together`);
  }
  const tls = config.tls && {
    ca: loadPem(config.tls.ca, `${driver} storage: tls.ca`),
    ...(config.tls.cert !== undefined && { cert: loadPem(config.tls.cert, `${driver} storage: tls.cert`) }),
    ...(config.tls.key !== undefined && { key: loadPem(config.tls.key, `${driver} storage: tls.key`) }),
  };
  const log: ResolvedSqlConfig['log'] = { compactIntervalMs, compactRetainRevisions };
  if (config.onBackgroundError !== undefined) log.onBackgroundError = config.onBackgroundError;
  return { url, poolSize, tls, log };
}

function positiveInteger(driver: string, field: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${driver} storage: ${field} must be a positive integer`);
  return value;
}
