// Figure 6 from the recorded loads: the peak resident memory of one Kamaji-TS replica against the
// kube-apiserver that serves the CRD peer, and the CPU time the whole serving path spent on the same
// work — Kamaji-TS's replicas, the kube-apiserver that proxies to them and their etcd, against the
// kube-apiserver and etcd that serve the CRD.
import { figure, measured, notMeasured, type Figure, type Side } from './figures.ts';
import type { LoadUsage, ProcessRole } from './usage.ts';

const MIB = 1024 * 1024;
const SECTION = '6 resources';

interface Totals {
  wallSeconds: number;
  cpuSeconds: Record<ProcessRole, number>;
  peakReplicaRssBytes: number;
  peakKubeApiserverRssBytes: number;
}

function total(loads: readonly LoadUsage[]): Totals | undefined {
  if (loads.length === 0) return undefined;
  const sum: Totals = { wallSeconds: 0, cpuSeconds: { replica: 0, kubeApiserver: 0, etcd: 0, kamajiEtcd: 0 }, peakReplicaRssBytes: 0, peakKubeApiserverRssBytes: 0 };
  for (const load of loads) {
    sum.wallSeconds += load.wallSeconds;
    for (const role of Object.keys(sum.cpuSeconds) as ProcessRole[]) sum.cpuSeconds[role] += load.cpuSeconds[role];
    sum.peakReplicaRssBytes = Math.max(sum.peakReplicaRssBytes, load.peakReplicaRssBytes);
    sum.peakKubeApiserverRssBytes = Math.max(sum.peakKubeApiserverRssBytes, load.peakKubeApiserverRssBytes);
  }
  return sum;
}

const round = (value: number) => Math.round(value * 1000) / 1000;
const NOT_FOUND = notMeasured('the process was not found in /proc (cluster down or restarting)');
/** RSS in MiB; zero means no process of that role was read. */
const rss = (bytes: number): Side => (bytes > 0 ? measured([bytes / MIB]) : NOT_FOUND);

export function usageFigures(loads: readonly LoadUsage[]): Figure[] {
  const figures: Figure[] = [];
  const idle = total(loads.filter((l) => l.load === 'idle'));
  if (idle) {
    figures.push(
      figure({
        section: SECTION,
        name: 'idle: RSS of one Kamaji-TS replica',
        unit: 'MiB',
        better: 'lower',
        kamajiTs: rss(idle.peakReplicaRssBytes),
        peer: rss(idle.peakKubeApiserverRssBytes),
        peerLabel: 'kube-apiserver (serves every kind)',
      }),
      figure({
        section: SECTION,
        name: 'idle: CPU of the Kamaji-TS replicas',
        unit: 'cores',
        better: 'lower',
        kamajiTs: idle.peakReplicaRssBytes > 0 ? measured([idle.cpuSeconds.replica / idle.wallSeconds]) : NOT_FOUND,
        peer: idle.peakKubeApiserverRssBytes > 0 ? measured([idle.cpuSeconds.kubeApiserver / idle.wallSeconds]) : NOT_FOUND,
        peerLabel: 'kube-apiserver (serves every kind)',
      }),
    );
  }
  const names = [...new Set(loads.filter((l) => l.side !== 'none').map((l) => l.load))];
  for (const name of names) {
    const ours = total(loads.filter((l) => l.load === name && l.side === 'kamaji'));
    const theirs = total(loads.filter((l) => l.load === name && l.side === 'peer'));
    const missing = notMeasured('this load ran on one side only');
    figures.push(
      figure({
        section: SECTION,
        name: `${name}: peak RSS of one Kamaji-TS replica`,
        unit: 'MiB',
        better: 'lower',
        kamajiTs: ours ? rss(ours.peakReplicaRssBytes) : missing,
        peer: theirs ? rss(theirs.peakKubeApiserverRssBytes) : missing,
        peerLabel: 'kube-apiserver serving the CRD',
      }),
    );
    const kamajiCpu = ours && ours.cpuSeconds.replica + ours.cpuSeconds.kubeApiserver + ours.cpuSeconds.kamajiEtcd;
    const peerCpu = theirs && theirs.cpuSeconds.kubeApiserver + theirs.cpuSeconds.etcd;
    figures.push(
      figure({
        section: SECTION,
        name: `${name}: CPU time of the serving path`,
        unit: 'CPU s',
        better: 'lower',
        kamajiTs: kamajiCpu !== undefined ? measured([kamajiCpu]) : missing,
        peer: peerCpu !== undefined ? measured([peerCpu]) : missing,
        peerLabel: 'kube-apiserver + etcd serving the CRD',
        ...(ours
          ? {
              note:
                `Kamaji-TS: replicas ${round(ours.cpuSeconds.replica)} s, kube-apiserver proxying ${round(ours.cpuSeconds.kubeApiserver)} s, ` +
                `its etcd ${round(ours.cpuSeconds.kamajiEtcd)} s over ${round(ours.wallSeconds)} s` +
                (theirs ? `; peer: kube-apiserver ${round(theirs.cpuSeconds.kubeApiserver)} s, etcd ${round(theirs.cpuSeconds.etcd)} s over ${round(theirs.wallSeconds)} s` : ''),
            }
          : {}),
      }),
    );
  }
  return figures;
}
