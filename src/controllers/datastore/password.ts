import { randomBytes } from 'node:crypto';

/** A database password from a CSPRNG; hex, so it needs no escaping in kine's connection URL. */
export function randomPassword(): string {
  return randomBytes(24).toString('hex');
}
