// What every section of the benchmark is handed: the run's settings, the cluster, the three ways to
// reach a TenantControlPlane, the usage recorder, progress output and the figures collected.
import type { ApiSide } from './api-sides.ts';
import type { Cluster, Replica } from './cluster.ts';
import type { Figure } from './figures.ts';
import type { UsageRecorder } from './usage.ts';

/** The management cluster and the three ways to reach a TenantControlPlane in it. */
export interface ClusterSides {
  cluster: Cluster;
  aggregated: ApiSide;
  direct: ApiSide;
  crd: ApiSide;
  /** The replica `direct` talks to. */
  directReplica: Replica;
}

export interface BenchContext {
  quick: boolean;
  /** Short and unique per run: names of namespaces and objects carry it. */
  runId: string;
  /** Undefined when the management cluster is not up; sections that need it report why. */
  sides: ClusterSides | undefined;
  /** Why `sides` is undefined. */
  clusterUnavailable?: string;
  usage: UsageRecorder;
  progress(message: string): void;
  add(figure: Figure): void;
}

/** A progress printer that stamps each line with the time since the run started. */
export function progressPrinter(write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): (message: string) => void {
  const started = performance.now();
  return (message) => {
    const seconds = Math.floor((performance.now() - started) / 1000);
    write(`[${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}] ${message}`);
  };
}

/** The cluster sides, or an error that becomes the section's "not measured" reason. */
export function requireCluster(ctx: BenchContext): ClusterSides {
  if (!ctx.sides) throw new Error(`the management cluster is not available: ${ctx.clusterUnavailable ?? 'unknown'}`);
  return ctx.sides;
}
