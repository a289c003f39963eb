// What a failed PostgreSQL or MySQL call becomes: a DataStoreCheckError when the connection
// itself failed (reachability, TLS, credentials), a plain Error otherwise. Always a new object:
// the drivers' own errors may carry the statement (mysql2 keeps it in `sql`) and with it a password.
import { classifyConnectionError, DataStoreCheckError } from './errors.ts';

export interface SqlErrorContext {
  /** `PostgreSQL at 10.0.0.1:5432` */
  server: string;
  /** What we tried, e.g. `create user "tcp_x"`. */
  what: string;
  /** Values that must never appear in the message. */
  secrets: readonly string[];
}

export function describeSqlError(error: unknown, context: SqlErrorContext): Error {
  if (error instanceof DataStoreCheckError) return error;
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
  let detail = error instanceof Error ? error.message : String(error);
  for (const secret of context.secrets) if (secret) detail = detail.replaceAll(secret, '<redacted>');
  if (code) detail = `${detail} (${code})`;
  const { server, what } = context;
  switch (classifyConnectionError(error)) {
    case 'Unreachable':
      return new DataStoreCheckError('Unreachable', `cannot reach ${server}: ${detail}`);
    case 'TLSError':
      return new DataStoreCheckError('TLSError', `TLS with ${server} failed: check spec.tlsConfig against the server's TLS setup: ${detail}`);
    case 'AuthenticationFailed':
      return new DataStoreCheckError('AuthenticationFailed', `${server} refused the credentials of spec.basicAuth: ${detail}`);
    default:
      return new Error(`${server}: cannot ${what}: ${detail}`);
  }
}
