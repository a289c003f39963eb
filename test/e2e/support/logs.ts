// What to show when an e2e test fails: the tail of every component's log, the cluster's
// recent events and the state of its pods.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLUSTER_DIR, kubectl } from './cluster.ts';

const LOGS_DIR = join(CLUSTER_DIR, 'logs');

function tail(text: string, lines: number): string {
  return text.split('\n').slice(-lines).join('\n');
}

async function kubectlOutput(args: string[]): Promise<string> {
  try {
    return (await kubectl(args, { timeoutMs: 20_000 })).stdout;
  } catch (error) {
    return `(${(error as Error).message})`;
  }
}

/** The last `lines` lines of each component log under .cache/cluster/logs, plus pods and events. */
export async function collectComponentLogs(lines = 40): Promise<string> {
  const sections: string[] = [];
  if (existsSync(LOGS_DIR)) {
    for (const file of readdirSync(LOGS_DIR).sort()) {
      sections.push(`----- ${file} (last ${lines} lines)\n${tail(readFileSync(join(LOGS_DIR, file), 'utf8'), lines)}`);
    }
  }
  sections.push(`----- kubectl get pods -A -o wide\n${await kubectlOutput(['get', 'pods', '-A', '-o', 'wide'])}`);
  sections.push(
    `----- kubectl get events -A (last ${lines})\n${tail(await kubectlOutput(['get', 'events', '-A', '--sort-by=.lastTimestamp']), lines)}`,
  );
  return sections.join('\n');
}
