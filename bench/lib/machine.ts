import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';

/** The machine the figures were taken on. */
export interface MachineInfo {
  nproc: number;
  cpuModel: string;
  node: string;
  java: string;
  memoryGb: number;
  platform: string;
  loadAverageAtStart: number[];
}

export function machineInfo(): MachineInfo {
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  try {
    cpuModel = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpuModel;
  } catch {
    // not Linux: keep os.cpus()
  }
  let java: string;
  try {
    // `java -version` writes to stderr.
    java = execFileSync('sh', ['-c', 'java -version 2>&1'], { encoding: 'utf8' }).split('\n')[0]?.trim() ?? 'unknown';
  } catch {
    java = 'not found';
  }
  return {
    nproc: availableParallelism(),
    cpuModel,
    node: process.version,
    java: java.trim(),
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    platform: `${process.platform} ${process.arch}`,
    loadAverageAtStart: loadavg().map((value) => Math.round(value * 100) / 100),
  };
}

/**
 * CPU accounting from /proc: the whole machine's busy time and the part spent by this benchmark's
 * process tree (itself, DynamoDB Local, the S3 server, the load generator). The difference is what
 * other processes on the machine took while a phase ran — the noise to read the figures with.
 */
export interface CpuSnapshot {
  at: number;
  machineBusyTicks: number;
  machineTotalTicks: number;
  ownTicks: number;
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

function processTicks(): Map<number, { ppid: number; ticks: number }> {
  const table = new Map<number, { ppid: number; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name (which may contain spaces) start after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime + stime, plus cutime + cstime: children that already exited and were waited for.
      table.set(Number(entry), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]) });
    } catch {
      // the process ended meanwhile
    }
  }
  return table;
}

export function cpuSnapshot(): CpuSnapshot | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const values = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (values[3] ?? 0) + (values[4] ?? 0);
    const total = values.slice(0, 8).reduce((sum, value) => sum + value, 0);
    const table = processTicks();
    const own = new Set<number>([process.pid]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const [pid, info] of table) {
        if (!own.has(pid) && own.has(info.ppid)) {
          own.add(pid);
          grew = true;
        }
      }
    }
    let ownTicks = 0;
    for (const pid of own) ownTicks += table.get(pid)?.ticks ?? 0;
    return { at: Date.now(), machineBusyTicks: total - idle, machineTotalTicks: total, ownTicks };
  } catch {
    return undefined;
  }
}

/** CPU use between two snapshots, in cores (2.0 = both cores of a 2-core machine busy). */
export interface CpuLoad {
  seconds: number;
  machineBusyCores: number;
  benchmarkCores: number;
  /** Other processes on the machine (other engineers' tests, builds): the noise. */
  otherCores: number;
}

export function cpuLoadBetween(before: CpuSnapshot | undefined, after: CpuSnapshot | undefined): CpuLoad | undefined {
  if (!before || !after || after.at <= before.at) return undefined;
  const seconds = (after.at - before.at) / 1000;
  const busy = (after.machineBusyTicks - before.machineBusyTicks) / CLOCK_TICKS / seconds;
  const own = Math.max(0, (after.ownTicks - before.ownTicks) / CLOCK_TICKS / seconds);
  const round = (value: number) => Math.round(value * 100) / 100;
  return { seconds: round(seconds), machineBusyCores: round(busy), benchmarkCores: round(own), otherCores: round(Math.max(0, busy - own)) };
}
