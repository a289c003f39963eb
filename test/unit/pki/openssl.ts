import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The real openssl CLI as an independent peer for what src/pki produces.

/** Runs `openssl <args>`; throws (with openssl's stderr) on a non-zero exit. */
export function openssl(args: string[], input?: string | Buffer): string {
  return execFileSync('openssl', args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Like openssl(), but returns exit status and output instead of throwing. */
export function opensslStatus(args: string[]): { ok: boolean; output: string } {
  try {
    return { ok: true, output: openssl(args) };
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${stdout}${stderr}` };
  }
}

/** Runs `body` with the files written to a fresh temporary directory, then removes it. */
export function withFiles<T>(files: Record<string, string>, body: (path: (name: string) => string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'kamaji-pki-'));
  try {
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    return body((name) => join(dir, name));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** withFiles for an async body (a child process talking to a server in this process). */
export async function withFilesAsync<T>(files: Record<string, string>, body: (path: (name: string) => string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'kamaji-pki-'));
  try {
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    return await body((name) => join(dir, name));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A self-signed RSA CA that openssl made valid only on 1 January 2020. */
export function expiredOpensslCa(): { certificate: string; privateKey: string } {
  return withFiles({ 'index.txt': '' }, (path) => {
    writeFileSync(path('ca.cnf'), expiredCaConfig(path('index.txt')));
    openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', path('ca.key'), '-out', path('ca.csr'), '-subj', '/CN=old']);
    openssl([
      'ca', '-batch', '-config', path('ca.cnf'), '-selfsign', '-keyfile', path('ca.key'), '-in', path('ca.csr'),
      '-startdate', '20200101000000Z', '-enddate', '20200102000000Z', '-outdir', path(''), '-out', path('ca.pem'),
    ]);
    return { certificate: openssl(['x509', '-in', path('ca.pem')]), privateKey: openssl(['pkey', '-in', path('ca.key')]) };
  });
}

// The least `openssl ca` needs to sign with dates of our choosing.
const expiredCaConfig = (database: string) => `
[ca]
default_ca = old
[old]
database = ${database}
rand_serial = yes
default_md = sha256
policy = any
x509_extensions = ca_extensions
[any]
commonName = supplied
[ca_extensions]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,digitalSignature
`;
