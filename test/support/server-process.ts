// One throwaway server process: started, waited on until it answers, restarted in place, stopped
// for good. Every launcher in this folder runs its server through here, so they all fail, time out
// and clean up alike.
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import type { Owner } from './service-user.ts';

export type ServerSpec = {
  /** Names the server in errors, e.g. `PostgreSQL at 127.0.0.1:5432`. */
  what: string;
  command: string;
  args: readonly string[];
  /** The user it runs as (database servers refuse to run as root). */
  owner?: Owner;
  /** True once it serves requests; a rejection counts as not yet. */
  ready: () => Promise<boolean>;
  /** How stop() asks it to end. */
  stopSignal: NodeJS.Signals;
  /** How restart() ends it, when not the way stop() does (etcd is killed: a graceful stop waits for watch streams). */
  restartSignal?: NodeJS.Signals;
  /** Its scratch directory, removed when it stops for good or fails to start. */
  dir?: string;
};

export type ServerProcess = {
  /** Ends it (restartSignal), waits `downMs`, and starts it again on the same data and port. */
  restart(downMs?: number): Promise<void>;
  /** Ends it (stopSignal) and removes its directory. */
  stop(): Promise<void>;
};

const READY_WITHIN_MS = 60_000;
const POLL_MS = 250;
/** A server that has not ended this long after being asked is killed. */
const KILL_AFTER_MS = 10_000;
/** How much of its output an error quotes. */
const OUTPUT_TAIL = 8_000;

// A test run that ends early (a failed beforeAll, Ctrl-C) leaves no server behind.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

export async function startServerProcess(spec: ServerSpec): Promise<ServerProcess> {
  let output = '';
  const keep = (chunk: Buffer | string) => {
    output = (output + chunk.toString()).slice(-OUTPUT_TAIL);
  };
  let current: { child: ChildProcess; gone: boolean; exited: Promise<void> } | undefined;

  const launch = async (): Promise<void> => {
    const child = spawn(spec.command, spec.args, { stdio: ['ignore', 'pipe', 'pipe'], ...spec.owner });
    const started = { child, gone: false, exited: new Promise<void>((done) => child.once('exit', () => done())) };
    current = started;
    running.add(child);
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('exit', () => {
      started.gone = true;
      running.delete(child);
    });
    child.once('error', (error) => {
      started.gone = true;
      keep(`\n${spec.command}: ${error.message}`);
    });
    const deadline = Date.now() + READY_WITHIN_MS;
    for (;;) {
      if (started.gone) throw new Error(`${spec.what} exited (${child.exitCode ?? child.signalCode ?? 'did not start'}):\n${output}`);
      if (await spec.ready().catch(() => false)) return;
      if (Date.now() > deadline) throw new Error(`${spec.what} not ready within ${READY_WITHIN_MS / 1_000}s:\n${output}`);
      await sleep(POLL_MS);
    }
  };

  const halt = async (signal: NodeJS.Signals): Promise<void> => {
    const server = current;
    if (server === undefined || server.gone || server.child.pid === undefined) return;
    server.child.kill(signal);
    const timer = setTimeout(() => server.child.kill('SIGKILL'), KILL_AFTER_MS);
    await server.exited;
    clearTimeout(timer);
  };

  const removeDir = () => {
    if (spec.dir !== undefined) rmSync(spec.dir, { recursive: true, force: true });
  };

  try {
    await launch();
  } catch (error) {
    await halt('SIGKILL');
    removeDir();
    throw error;
  }
  return {
    async restart(downMs = 0) {
      await halt(spec.restartSignal ?? spec.stopSignal);
      await sleep(downMs);
      await launch();
    },
    async stop() {
      await halt(spec.stopSignal);
      removeDir();
    },
  };
}
