// What every authenticator in the chain sees and answers.
import type { X509Certificate } from 'node:crypto';
import type { UserInfo } from '../apis/meta.ts';

export interface RequestCredentials {
  /** The presented client certificate chain, leaf first; empty without one. */
  certificates: X509Certificate[];
  /** Every header's values in order, names lower-cased (Node's `req.headersDistinct`). */
  headers: Record<string, string[] | undefined>;
}

/**
 * `undefined`: "not me", the next authenticator tries. `{ error }`: the credentials were presented
 * and are bad; the request is refused (never anonymous).
 */
export type AuthenticatorResult = { user: UserInfo } | { error: string } | undefined;

export interface Authenticator {
  authenticate(credentials: RequestCredentials): Promise<AuthenticatorResult> | AuthenticatorResult;
}
