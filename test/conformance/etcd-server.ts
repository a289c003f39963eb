// A throwaway single-member etcd for the conformance tests: the real binary built by
// `bash hack/build.sh etcd`, a temporary data dir, loopback ports, optionally TLS with client-cert auth.
// TODO: move to the shared launcher (test/e2e/support/datastores.ts, startEtcd) once it exists.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface EtcdServerTls {
  /** PEM of the CA that signed the server certificate and every accepted client certificate. */
  ca: string;
  serverCertificate: string;
  serverKey: string;
}

export interface EtcdServer {
  endpoint: string;
  /**
   * Kills etcd (as a crash would: a graceful stop waits ~7 s for open watch streams) and starts it
   * again on the same data and port.
   */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const repoRoot = resolve(import.meta.dirname, '../..');

export function etcdBinary(): string {
  const cacheDir = process.env.KAMAJI_CACHE_DIR ?? join(repoRoot, '.cache');
  const binary = join(cacheDir, 'bin', 'etcd');
  if (!existsSync(binary)) throw new Error(`${binary} is missing: run 'bash hack/build.sh etcd' first`);
  return binary;
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForHealth(url: string, process_: ChildProcess, output: () => string): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    if (process_.exitCode !== null) throw new Error(`etcd exited with ${process_.exitCode}:\n${output()}`);
    try {
      const response = await fetch(url);
      if (response.ok && ((await response.json()) as { health?: string }).health === 'true') return;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`etcd did not become healthy at ${url}:\n${output()}`);
}

export async function startEtcdServer(options: { tls?: EtcdServerTls } = {}): Promise<EtcdServer> {
  const dir = await mkdtemp(join(tmpdir(), 'kamaji-conformance-etcd-'));
  const [clientPort, peerPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
  const scheme = options.tls ? 'https' : 'http';
  const endpoint = `${scheme}://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const args = [
    '--name=conformance',
    `--data-dir=${join(dir, 'data')}`,
    `--listen-client-urls=${endpoint}`,
    `--advertise-client-urls=${endpoint}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=conformance=${peer}`,
    // Health over plain HTTP, so probing needs no client certificate.
    `--listen-metrics-urls=http://127.0.0.1:${metricsPort}`,
    '--log-level=warn',
  ];
  if (options.tls) {
    await writeFile(join(dir, 'ca.crt'), options.tls.ca);
    await writeFile(join(dir, 'server.crt'), options.tls.serverCertificate);
    await writeFile(join(dir, 'server.key'), options.tls.serverKey, { mode: 0o600 });
    args.push(
      `--trusted-ca-file=${join(dir, 'ca.crt')}`,
      `--cert-file=${join(dir, 'server.crt')}`,
      `--key-file=${join(dir, 'server.key')}`,
      '--client-cert-auth',
    );
  }
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-8_000);
  };
  let child: ChildProcess | undefined;
  let exited = Promise.resolve();
  const halt = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<void> => {
    if (child && child.exitCode === null) {
      child.kill(signal);
      await exited;
    }
  };
  const launch = async (): Promise<void> => {
    child = spawn(etcdBinary(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const started = child;
    exited = new Promise<void>((done) => started.once('exit', () => done()));
    await waitForHealth(`http://127.0.0.1:${metricsPort}/health`, started, () => output);
  };
  const stop = async (): Promise<void> => {
    await halt();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await launch();
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    endpoint,
    restart: async () => {
      await halt('SIGKILL');
      await launch();
    },
    stop,
  };
}
