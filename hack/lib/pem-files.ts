// Keeps a certificate and its key as <name>.crt/<name>.key files, made once and reused, so
// re-running cluster-up keeps the identities that running components already trust.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyPairPem } from '../../src/pki/index.ts';

export async function ensureKeyPair(dir: string, name: string, create: () => Promise<KeyPairPem>): Promise<KeyPairPem> {
  const certificatePath = join(dir, `${name}.crt`);
  const keyPath = join(dir, `${name}.key`);
  if (existsSync(certificatePath) && existsSync(keyPath)) {
    return { certificate: readFileSync(certificatePath, 'utf8'), privateKey: readFileSync(keyPath, 'utf8') };
  }
  mkdirSync(dir, { recursive: true });
  const pair = await create();
  writeFileSync(keyPath, pair.privateKey, { mode: 0o600 });
  writeFileSync(certificatePath, pair.certificate);
  return pair;
}
