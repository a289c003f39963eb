// Memory and CPU of the serving processes around each load: the Kamaji-TS replicas, the
// kube-apiserver in front of them (it proxies every aggregated request, and it alone serves the
// CRD peer), and each side's etcd. Peak RSS is sampled while the load runs; CPU is the difference
// of the processes' user+system time before and after.
import { readProcessUsage } from './process-usage.ts';

export type ProcessRole = 'replica' | 'kubeApiserver' | 'etcd' | 'kamajiEtcd';

export interface ProcessSet {
  /** pid to role; several replicas share the role "replica". */
  pids: Map<number, ProcessRole>;
}

export interface LoadUsage {
  load: string;
  /** Which side the load ran against. */
  side: 'kamaji' | 'peer' | 'none';
  wallSeconds: number;
  cpuSeconds: Record<ProcessRole, number>;
  /** Highest RSS seen during the load: one replica (the largest) and kube-apiserver. */
  peakReplicaRssBytes: number;
  peakKubeApiserverRssBytes: number;
  /** How many replicas were running (a restart in the middle drops a pid from the sums). */
  replicas: number;
}

const SAMPLE_INTERVAL_MS = 250;

export class UsageRecorder {
  readonly loads: LoadUsage[] = [];
  readonly #processes: () => Promise<ProcessSet>;

  constructor(processes: () => Promise<ProcessSet>) {
    this.#processes = processes;
  }

  /**
   * Waits until the serving processes together use less than `thresholdCores` over a window: what a
   * section leaves behind (a namespace of 10,000 objects being deleted, controllers catching up)
   * must not fall on the next section's samples. Gives up after `timeoutMs` and says so.
   */
  async settle(progress: (line: string) => void, options: { thresholdCores?: number; windowMs?: number; timeoutMs?: number } = {}): Promise<void> {
    const { thresholdCores = 0.2, windowMs = 3_000, timeoutMs = 180_000 } = options;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { pids } = await this.#processes();
      const before = snapshot(pids);
      await new Promise((resolve) => setTimeout(resolve, windowMs));
      const cores = coresBetween(before, snapshot(pids), windowMs / 1000);
      if (cores < thresholdCores) return;
      if (Date.now() > deadline) {
        progress(`settle: still ${cores.toFixed(2)} cores busy after ${timeoutMs / 1000} s; going on`);
        return;
      }
      progress(`settle: the cluster is busy (${cores.toFixed(2)} cores), waiting for it to go quiet`);
    }
  }

  async measure<T>(load: string, side: LoadUsage['side'], work: () => Promise<T>): Promise<T> {
    const { pids } = await this.#processes();
    const before = snapshot(pids);
    const peaks = { replica: 0, kubeApiserver: 0 };
    const sample = () => {
      for (const [pid, usage] of snapshot(pids)) {
        const role = pids.get(pid);
        if (role === 'replica') peaks.replica = Math.max(peaks.replica, usage.rssBytes);
        if (role === 'kubeApiserver') peaks.kubeApiserver = Math.max(peaks.kubeApiserver, usage.rssBytes);
      }
    };
    sample();
    const timer = setInterval(sample, SAMPLE_INTERVAL_MS);
    const started = performance.now();
    try {
      return await work();
    } finally {
      clearInterval(timer);
      sample();
      const after = snapshot(pids);
      const cpuSeconds: Record<ProcessRole, number> = { replica: 0, kubeApiserver: 0, etcd: 0, kamajiEtcd: 0 };
      for (const [pid, role] of pids) {
        const start = before.get(pid);
        const end = after.get(pid);
        if (start && end) cpuSeconds[role] += end.cpuSeconds - start.cpuSeconds;
      }
      this.loads.push({
        load,
        side,
        wallSeconds: (performance.now() - started) / 1000,
        cpuSeconds,
        peakReplicaRssBytes: peaks.replica,
        peakKubeApiserverRssBytes: peaks.kubeApiserver,
        replicas: [...pids.values()].filter((role) => role === 'replica').length,
      });
    }
  }
}

/** Cores the processes used between two snapshots `seconds` apart (processes in both only). */
export function coresBetween(before: Map<number, { cpuSeconds: number }>, after: Map<number, { cpuSeconds: number }>, seconds: number): number {
  let cpu = 0;
  for (const [pid, end] of after) {
    const start = before.get(pid);
    if (start) cpu += end.cpuSeconds - start.cpuSeconds;
  }
  return seconds > 0 ? cpu / seconds : 0;
}

function snapshot(pids: Map<number, ProcessRole>): Map<number, { rssBytes: number; cpuSeconds: number }> {
  const usage = new Map<number, { rssBytes: number; cpuSeconds: number }>();
  for (const pid of pids.keys()) {
    try {
      usage.set(pid, readProcessUsage(pid));
    } catch {
      // The process is gone (a replica restarted): it drops out of this load's figures.
    }
  }
  return usage;
}
