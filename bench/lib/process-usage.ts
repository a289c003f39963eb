// Resident memory and CPU time of a process, read from /proc the way `ps` and `top` read them.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

export interface ProcessUsage {
  rssBytes: number;
  /** User plus system CPU time since the process started. */
  cpuSeconds: number;
}

/** utime and stime (fields 14 and 15) in clock ticks; the command name may hold spaces and parentheses. */
export function parseProcStatTicks(stat: string): number {
  const afterName = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // afterName[0] is field 3 (state), so field n is afterName[n - 3].
  const utime = Number(afterName[11]);
  const stime = Number(afterName[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`unreadable /proc/<pid>/stat: ${stat.slice(0, 80)}`);
  return utime + stime;
}

/** VmRSS of /proc/<pid>/status in bytes (the kernel writes it in kB). */
export function parseVmRssBytes(status: string): number {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!match) throw new Error('no VmRSS in /proc/<pid>/status (a kernel thread or an exited process)');
  return Number(match[1]) * 1024;
}

let clockTicks: number | undefined;
function ticksPerSecond(): number {
  clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return clockTicks;
}

export function readProcessUsage(pid: number): ProcessUsage {
  return {
    rssBytes: parseVmRssBytes(readFileSync(`/proc/${pid}/status`, 'utf8')),
    cpuSeconds: parseProcStatTicks(readFileSync(`/proc/${pid}/stat`, 'utf8')) / ticksPerSecond(),
  };
}

/** Pids whose environment holds `NAME=value` exactly (pods: HOSTNAME is the pod name). */
export function pidsWithEnvironment(name: string, value: string): number[] {
  const wanted = `${name}=${value}`;
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0').includes(wanted)) found.push(Number(entry));
    } catch {
      // The process ended, or is not ours to read.
    }
  }
  return found;
}

/** The process named by a pid file, if it is alive. */
export function pidFromFile(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    readFileSync(`/proc/${pid}/stat`);
    return pid;
  } catch {
    return undefined;
  }
}
