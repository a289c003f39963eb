// The local management cluster as the e2e tests see it (hack/cluster-up.sh makes it).
// Addresses here must match hack/lib/cluster.sh.
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const CACHE_DIR = process.env.KAMAJI_CACHE_DIR ?? join(REPO_ROOT, '.cache');
export const BIN_DIR = join(CACHE_DIR, 'bin');
export const CLUSTER_DIR = join(CACHE_DIR, 'cluster');
export const ADMIN_KUBECONFIG = join(CLUSTER_DIR, 'admin.kubeconfig');
export const NODE_NAME = 'kamaji-node';
/** The node's own address inside its network namespace; the API server listens here. */
export const NODE_IP = '172.31.254.2';
/** The host end of the node's veth: reachable from pods and from the host. */
export const HOST_IP = '172.31.254.1';
export const HOST_INTERFACE = 'kamaji-host';
export const APISERVER_URL = `https://${NODE_IP}:6443`;

/** The Kamaji etcd: Kamaji-TS's own state and the tenants' default DataStore (client-cert auth). */
export const KAMAJI_ETCD = {
  endpoint: `https://${NODE_IP}:2479`,
  caFile: join(CLUSTER_DIR, 'kamaji-etcd', 'ca.crt'),
  certFile: join(CLUSTER_DIR, 'kamaji-etcd', 'root.crt'),
  keyFile: join(CLUSTER_DIR, 'kamaji-etcd', 'root.key'),
} as const;

const run = promisify(execFile);

/** The Kubernetes version the cluster runs (hack/versions.env), e.g. `v1.33.13`. */
export function kubernetesVersion(): string {
  return pinnedVersion('KUBERNETES_VERSION');
}

/** A version pinned in hack/versions.env, e.g. `pinnedVersion('ETCD_VERSION')`. */
export function pinnedVersion(name: string): string {
  const lines = readFileSync(join(REPO_ROOT, 'hack', 'versions.env'), 'utf8').split('\n');
  const line = lines.find((l) => l.startsWith(`${name}=`));
  if (!line) throw new Error(`hack/versions.env has no ${name}`);
  return line.slice(name.length + 1).trim();
}

/** True when the host end of the node's veth exists, i.e. a cluster network is up. */
export function hostInterfaceUp(): boolean {
  return (networkInterfaces()[HOST_INTERFACE] ?? []).some((a) => a.address === HOST_IP);
}

export async function clusterIsUp(): Promise<boolean> {
  if (!existsSync(ADMIN_KUBECONFIG) || !hostInterfaceUp()) return false;
  try {
    const { stdout } = await run('kubectl', ['--kubeconfig', ADMIN_KUBECONFIG, 'get', '--raw', '/readyz'], {
      timeout: 15_000,
    });
    return stdout.trim() === 'ok';
  } catch {
    return false;
  }
}

let bringingUp: Promise<void> | undefined;

/**
 * Runs hack/cluster-up.sh once per process, so every suite can call it. It keeps what already
 * runs and only rebuilds and redeploys what changed (the Kamaji-TS image when src/ changed), so
 * the tests always meet the current code. Its progress goes to this process's output.
 */
export function ensureCluster(): Promise<void> {
  bringingUp ??= new Promise<void>((resolvePromise, reject) => {
    const child = spawn('bash', [join(REPO_ROOT, 'hack', 'cluster-up.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolvePromise() : reject(new Error(`hack/cluster-up.sh exited with ${code}`))));
  });
  return bringingUp;
}

export type KubectlOptions = {
  /** Written to kubectl's standard input (e.g. a manifest for `apply -f -`). */
  input?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
};

export type KubectlResult = { stdout: string; stderr: string };

/** Runs kubectl against the management cluster as its admin; rejects with kubectl's stderr. */
export function kubectl(args: string[], options: KubectlOptions = {}): Promise<KubectlResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('kubectl', ['--kubeconfig', ADMIN_KUBECONFIG, ...args], {
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 120_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolvePromise({ stdout, stderr });
      else reject(new Error(`kubectl ${args.join(' ')} exited with ${code}: ${stderr.trim()}`));
    });
    child.stdin.end(options.input ?? '');
  });
}
