// Database servers refuse to run as root: when the tests run as root, a server runs as its
// package's system user (`postgres`, `mysql`) and owns its scratch directory and files.
import { spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Whom a server's files belong to; empty when it runs as we do. */
export type Owner = { uid?: number; gid?: number };

/** The system user a server must run as: `name` when we are root, else ourselves. */
export function serviceUser(name: string): Owner {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(spawnSync('id', [flag, name], { encoding: 'utf8' }).stdout.trim());
  return { uid: id('-u'), gid: id('-g') };
}

function chown(path: string, owner: Owner): void {
  if (owner.uid !== undefined && owner.gid !== undefined) chownSync(path, owner.uid, owner.gid);
}

/** A new temporary directory, `kamaji-<prefix>-…`, owned by `owner`. */
export function scratchDir(prefix: string, owner: Owner): string {
  const dir = mkdtempSync(join(tmpdir(), `kamaji-${prefix}-`));
  chown(dir, owner);
  return dir;
}

/** Writes `content` to `dir/name`, readable by `owner` only (keys, passwords); returns its path. */
export function writeOwnedFile(dir: string, name: string, content: string, owner: Owner): string {
  const path = join(dir, name);
  writeFileSync(path, content, { mode: 0o600 });
  chown(path, owner);
  return path;
}
