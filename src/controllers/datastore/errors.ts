// The one error the datastore package throws for a DataStore that cannot be used. The reason goes
// into the DataStore's Ready condition as it is; the message tells a person what to fix and never
// carries a secret (no passwords, keys or connection strings with credentials).

export type DataStoreCheckReason = 'Unreachable' | 'AuthenticationFailed' | 'TLSError' | 'Misconfigured';

export class DataStoreCheckError extends Error {
  readonly reason: DataStoreCheckReason;

  constructor(reason: DataStoreCheckReason, message: string) {
    super(message);
    this.name = 'DataStoreCheckError';
    this.reason = reason;
  }
}

/**
 * The reason a failed connection attempt points to, from what the client libraries report:
 * socket errors, TLS verification errors, and authentication refusals of each driver.
 */
export function classifyConnectionError(error: unknown): DataStoreCheckReason | undefined {
  if (error instanceof DataStoreCheckError) return error.reason;
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  if (code && TLS_CODES.has(code)) return 'TLSError';
  if (/certificate|self[- ]signed|SSL|TLS|handshake|wrong version number/i.test(message)) return 'TLSError';
  // PostgreSQL 28P01 invalid_password, 28000 invalid_authorization_specification;
  // MySQL ER_ACCESS_DENIED_ERROR / ER_DBACCESS_DENIED_ERROR.
  if (code && AUTH_CODES.has(code)) return 'AuthenticationFailed';
  if (/authentication failed|access denied for user|unauthenticated/i.test(message)) {
    return 'AuthenticationFailed';
  }
  if (code && NETWORK_CODES.has(code)) return 'Unreachable';
  if (/ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN|No connection established|timed? ?out|deadline exceeded|unavailable/i.test(message)) {
    return 'Unreachable';
  }
  return undefined;
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
  'HANDSHAKE_NO_SSL_SUPPORT',
]);
const AUTH_CODES = new Set(['28P01', '28000', 'ER_ACCESS_DENIED_ERROR', 'ER_DBACCESS_DENIED_ERROR', 'ER_NOT_SUPPORTED_AUTH_MODE']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'PROTOCOL_CONNECTION_LOST']);

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}
