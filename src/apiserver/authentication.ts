// The authenticator chain of k8s.io/apiserver's delegating authenticator: front proxy, client
// certificate, bearer token; the first that knows the request wins. Anonymous only when nothing
// presented was bad, and everybody authenticated joins system:authenticated.
import type { UserInfo } from '../apis/meta.ts';
import type { Authenticator, RequestCredentials } from './authenticator.ts';

export const ANONYMOUS_USER = 'system:anonymous';
export const AUTHENTICATED_GROUP = 'system:authenticated';
export const UNAUTHENTICATED_GROUP = 'system:unauthenticated';

export type AuthenticationOutcome = { user: UserInfo } | { errors: string[] };

export async function authenticate(
  authenticators: readonly Authenticator[],
  credentials: RequestCredentials,
): Promise<AuthenticationOutcome> {
  const errors: string[] = [];
  for (const authenticator of authenticators) {
    const result = await authenticator.authenticate(credentials);
    if (!result) continue;
    if ('user' in result) return { user: withAuthenticatedGroup(result.user) };
    errors.push(result.error);
  }
  if (errors.length > 0) return { errors };
  return { user: { username: ANONYMOUS_USER, groups: [UNAUTHENTICATED_GROUP] } };
}

/** group.AuthenticatedGroupAdder. */
export function withAuthenticatedGroup(user: UserInfo): UserInfo {
  if (
    user.username === ANONYMOUS_USER ||
    user.groups.includes(AUTHENTICATED_GROUP) ||
    user.groups.includes(UNAUTHENTICATED_GROUP)
  ) {
    return user;
  }
  return { ...user, groups: [...user.groups, AUTHENTICATED_GROUP] };
}
