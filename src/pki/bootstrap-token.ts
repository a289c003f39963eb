import { randomInt } from 'node:crypto';

export type BootstrapToken = { id: string; secret: string; token: string };

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const ID_LENGTH = 6;
const SECRET_LENGTH = 16;

/** A kubeadm bootstrap token `[a-z0-9]{6}.[a-z0-9]{16}`, uniformly drawn from a CSPRNG. */
export function randomBootstrapToken(): BootstrapToken {
  const id = randomString(ID_LENGTH);
  const secret = randomString(SECRET_LENGTH);
  return { id, secret, token: `${id}.${secret}` };
}

// randomInt rejects biased draws, so every character is equally likely.
function randomString(length: number): string {
  return Array.from({ length }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
}
