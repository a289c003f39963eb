// globalSetup of the e2e project: the local management cluster is brought up once per run,
// reusing one that is up already. A cluster this run started is stopped again at the end
// (set KAMAJI_KEEP_CLUSTER=1 to keep it); one that was up before is left as it was.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { clusterIsUp, ensureCluster, REPO_ROOT } from './support/cluster.ts';

export default async function setup(): Promise<() => void> {
  const wasUp = await clusterIsUp();
  await ensureCluster();
  return () => {
    if (wasUp || process.env.KAMAJI_KEEP_CLUSTER === '1') return;
    spawnSync('bash', [join(REPO_ROOT, 'hack', 'cluster-down.sh')], { stdio: 'inherit' });
  };
}
