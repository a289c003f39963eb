import { describe, expect, test } from 'vitest';
import { usageFigures } from '../../../bench/lib/usage-figures.ts';
import type { LoadUsage } from '../../../bench/lib/usage.ts';

const MIB = 1024 * 1024;
const load = (fields: Partial<LoadUsage> & Pick<LoadUsage, 'load' | 'side'>): LoadUsage => ({
  wallSeconds: 1,
  cpuSeconds: { replica: 0, kubeApiserver: 0, etcd: 0, kamajiEtcd: 0 },
  peakReplicaRssBytes: 0,
  peakKubeApiserverRssBytes: 0,
  replicas: 2,
  ...fields,
});

describe('usageFigures', () => {
  test('sums CPU over the runs of one load: Kamaji-TS pays for its replicas, the proxying kube-apiserver and its etcd', () => {
    const figures = usageFigures([
      load({ load: 'writes', side: 'kamaji', cpuSeconds: { replica: 1, kubeApiserver: 0.5, etcd: 9, kamajiEtcd: 0.25 }, peakReplicaRssBytes: 100 * MIB }),
      load({ load: 'writes', side: 'kamaji', cpuSeconds: { replica: 1, kubeApiserver: 0.5, etcd: 9, kamajiEtcd: 0.25 }, peakReplicaRssBytes: 120 * MIB }),
      load({ load: 'writes', side: 'peer', cpuSeconds: { replica: 7, kubeApiserver: 1, etcd: 0.5, kamajiEtcd: 7 }, peakKubeApiserverRssBytes: 300 * MIB }),
    ]);
    const cpu = figures.find((f) => f.name === 'writes: CPU time of the serving path')!;
    expect(cpu.kamajiTs).toMatchObject({ kind: 'measured', summary: { median: 3.5 } });
    expect(cpu.peer).toMatchObject({ kind: 'measured', summary: { median: 1.5 } });
    const rss = figures.find((f) => f.name === 'writes: peak RSS of one Kamaji-TS replica')!;
    expect(rss.kamajiTs).toMatchObject({ summary: { median: 120 } });
    expect(rss.peer).toMatchObject({ summary: { median: 300 } });
  });

  test('idle CPU is cores: CPU seconds over wall seconds', () => {
    const figures = usageFigures([
      load({ load: 'idle', side: 'none', wallSeconds: 10, cpuSeconds: { replica: 0.5, kubeApiserver: 2, etcd: 0, kamajiEtcd: 0 }, peakReplicaRssBytes: MIB, peakKubeApiserverRssBytes: MIB }),
    ]);
    expect(figures.find((f) => f.name === 'idle: CPU of the Kamaji-TS replicas')).toMatchObject({ kamajiTs: { summary: { median: 0.05 } }, peer: { summary: { median: 0.2 } } });
  });

  test('no process found (cluster down) is not measured, never zero', () => {
    const figures = usageFigures([load({ load: 'idle', side: 'none' })]);
    for (const f of figures) {
      expect(f.kamajiTs.kind).toBe('not-measured');
      expect(f.peer.kind).toBe('not-measured');
    }
  });

  test('a load that ran on one side only says so instead of inventing the other', () => {
    const [rss] = usageFigures([load({ load: 'only ours', side: 'kamaji', peakReplicaRssBytes: MIB })]);
    expect(rss!.peer).toEqual({ kind: 'not-measured', reason: 'this load ran on one side only' });
    expect(rss!.ratio).toBeNull();
  });
});
