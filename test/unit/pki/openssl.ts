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
