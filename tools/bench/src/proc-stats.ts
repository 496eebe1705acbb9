import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let clockTicksPerSecond: number | undefined;

function ticksPerSecond(): number {
  if (clockTicksPerSecond === undefined) {
    try {
      clockTicksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      // 100 Hz is USER_HZ on every mainstream Linux build.
      clockTicksPerSecond = 100;
    }
  }
  return clockTicksPerSecond;
}

function readProcFile(pid: number, name: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${name}`, 'utf8');
  } catch {
    // No /proc (not Linux) or the process is gone: the columns show a dash instead.
    return undefined;
  }
}

/** User plus system CPU time in a `stat` file (of a process or of one of its threads), in ms; undefined if unreadable. */
function cpuTimeOfStat(stat: string | undefined): number | undefined {
  if (stat === undefined) return undefined;
  // The command name (field 2) may contain spaces and parentheses: count fields from its closing one.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the name, fields start at 3 (state): utime is field 14, stime field 15 (proc(5)).
  const userTicks = Number(fields[11]);
  const systemTicks = Number(fields[12]);
  if (!Number.isFinite(userTicks) || !Number.isFinite(systemTicks)) return undefined;
  return ((userTicks + systemTicks) * 1000) / ticksPerSecond();
}

/**
 * User plus system CPU time a process has used so far, all its threads together, in ms (resolution one clock
 * tick, usually 10 ms), from `/proc/<pid>/stat`; undefined where there is no such file.
 */
export function readCpuTimeInMs(pid: number): number | undefined {
  return cpuTimeOfStat(readProcFile(pid, 'stat'));
}

/**
 * The same for the process's main thread alone (`/proc/<pid>/task/<pid>/stat`): in Node, the thread of the event
 * loop. The rest of {@link readCpuTimeInMs} ran on other threads: V8's garbage-collector and compiler helpers,
 * libuv's pool, worker threads. A CPU profile (`--cpu-prof`) samples the main thread only.
 */
export function readMainThreadCpuTimeInMs(pid: number): number | undefined {
  return cpuTimeOfStat(readProcFile(pid, `task/${pid}/stat`));
}

/** Memory of a process, in bytes, from `/proc/<pid>/status`. */
export interface ProcessMemory {
  /** Resident set size now (`VmRSS`). */
  readonly rssInBytes: number;
  /** Highest resident set size since the process started (`VmHWM`). */
  readonly peakRssInBytes: number;
}

function statusField(status: string, name: string): number {
  const start = status.indexOf(`${name}:`);
  if (start === -1) return Number.NaN;
  const kibibytes = Number.parseInt(status.slice(start + name.length + 1).trimStart(), 10);
  return kibibytes * 1024;
}

/** Current and peak RSS of a process; undefined where `/proc` is unavailable. */
export function readProcessMemory(pid: number): ProcessMemory | undefined {
  const status = readProcFile(pid, 'status');
  if (status === undefined) return undefined;
  return { rssInBytes: statusField(status, 'VmRSS'), peakRssInBytes: statusField(status, 'VmHWM') };
}

/** Fields of `/proc/<pid>/stat` after the command name: state is index 0, ppid 1, utime 11, stime 12, cutime 13, cstime 14. */
function statFields(pid: number): string[] | undefined {
  const stat = readProcFile(pid, 'stat');
  return stat === undefined ? undefined : stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/**
 * CPU time a process and all its live descendants have used so far, in ms, plus what its reaped children used (a
 * PostgreSQL postmaster's backends come and go); undefined where `/proc` is unavailable or the process is gone.
 */
export function readProcessTreeCpuTimeInMs(rootPid: number): number | undefined {
  const root = statFields(rootPid);
  if (root === undefined) return undefined;
  const children = new Map<number, number[]>();
  const ownTicks = new Map<number, number>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const fields = statFields(pid);
    if (fields === undefined) continue;
    const parent = Number(fields[1]);
    const siblings = children.get(parent);
    if (siblings === undefined) children.set(parent, [pid]);
    else siblings.push(pid);
    ownTicks.set(pid, Number(fields[11]) + Number(fields[12]));
  }
  let ticks = Number(root[11]) + Number(root[12]) + Number(root[13]) + Number(root[14]);
  // Bounded: each pid is visited once (a tree read from one listing has no cycles; the set guards regardless).
  const seen = new Set<number>([rootPid]);
  const queue = [...(children.get(rootPid) ?? [])];
  while (queue.length > 0) {
    const pid = queue.pop() as number;
    if (seen.has(pid)) continue;
    seen.add(pid);
    ticks += ownTicks.get(pid) ?? 0;
    queue.push(...(children.get(pid) ?? []));
  }
  return Number.isFinite(ticks) ? (ticks * 1000) / ticksPerSecond() : undefined;
}
