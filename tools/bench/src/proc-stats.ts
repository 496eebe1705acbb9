import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

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

/**
 * User plus system CPU time a process has used so far, in ms (resolution one clock tick, usually
 * 10 ms), from `/proc/<pid>/stat`; undefined where there is no such file.
 */
export function readCpuTimeInMs(pid: number): number | undefined {
  const stat = readProcFile(pid, 'stat');
  if (stat === undefined) return undefined;
  // The command name (field 2) may contain spaces and parentheses: count fields from its closing one.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the name, fields start at 3 (state): utime is field 14, stime field 15 (proc(5)).
  const userTicks = Number(fields[11]);
  const systemTicks = Number(fields[12]);
  if (!Number.isFinite(userTicks) || !Number.isFinite(systemTicks)) return undefined;
  return ((userTicks + systemTicks) * 1000) / ticksPerSecond();
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
