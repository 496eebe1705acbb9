import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Which CPUs the load side (the bench with its load generator, the mock, the engines the bench starts) and the
 * measured proxies run on, as `taskset` CPU lists (`0`, `2,3`), for `--pin`.
 *
 * Unpinned, a proxy under test shares its cores with the load generator and the mock: on two cores, three busy
 * processes, each descheduled at times and finding its caches cold. Pinned, the proxies get CPUs apart from the load
 * side, closer to use, where Claude Code waits on the network and the upstream is remote. They still share those CPUs
 * with each other: what one target does after its window (idle timers, a collection) runs beside the next one's. On
 * this project's 2-vCPU VM pinning did not consistently narrow the spread between rounds (docs/performance.md,
 * item 35), so it is not the default.
 */
export interface CpuPinning {
  readonly load: string;
  readonly target: string;
}

/** The CPU ids of a `Cpus_allowed_list` (`0-3,8,10-11`), in order; empty when the text is not one. */
export function parseCpuList(text: string): number[] {
  const ids: number[] = [];
  for (const part of text.trim().split(',')) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (match === null) return [];
    const first = Number(match[1]);
    const last = Number(match[2] ?? match[1]);
    for (let id = first; id <= last; id++) ids.push(id);
  }
  return ids;
}

/**
 * The CPUs this process may run on (its affinity mask, which a container's cpuset or a user's own `taskset` narrows),
 * from `/proc/self/status`; empty where there is no such file.
 */
export function allowedCpus(statusPath = '/proc/self/status'): number[] {
  try {
    const match = /^Cpus_allowed_list:\s*(\S+)$/m.exec(readFileSync(statusPath, 'utf8'));
    return match === null ? [] : parseCpuList(match[1] as string);
  } catch {
    return [];
  }
}

/**
 * Splits the allowed CPUs: the upper half (at least one) for the measured proxies, the rest for the load side.
 * Undefined with fewer than two, where there is nothing to split.
 */
export function planCpuPinning(cpuIds: readonly number[]): CpuPinning | undefined {
  if (cpuIds.length < 2) return undefined;
  const firstTarget = cpuIds.length - Math.floor(cpuIds.length / 2);
  return { load: cpuIds.slice(0, firstTarget).join(','), target: cpuIds.slice(firstTarget).join(',') };
}

/** Runs `taskset`; its error's first line when it is missing or refuses (not Linux, no util-linux, a cpuset). */
function runTaskset(args: readonly string[]): string | undefined {
  try {
    execFileSync('taskset', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 5000 });
    return undefined;
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    return (stderr || (error as Error).message).split('\n')[0];
  }
}

/** What {@link pinLoadSide} did: the split, or why the run goes unpinned. */
export type PinningOutcome =
  | { readonly pinned: true; readonly pinning: CpuPinning }
  | { readonly pinned: false; readonly reason: string };

/**
 * Pins every thread of `pid` (by default this process, whose later children inherit the mask) to the load side's
 * CPUs, after checking that a process can start on the targets' (a cpuset may allow fewer CPUs than the mask names).
 */
export function pinLoadSide(pid = process.pid, cpuIds: readonly number[] = allowedCpus()): PinningOutcome {
  const plan = planCpuPinning(cpuIds);
  if (plan === undefined) {
    return { pinned: false, reason: `${cpuIds.length} CPU(s) allowed, two or more needed` };
  }
  const failure =
    runTaskset(['-c', plan.target, 'true']) ?? runTaskset(['-a', '-p', '-c', plan.load, String(pid)]);
  if (failure !== undefined) return { pinned: false, reason: `taskset: ${failure}` };
  // `taskset -a` exits 0 even for a pid that is gone: the kernel's view says whether it took.
  const now = allowedCpus(`/proc/${pid}/status`).join(',');
  return now === plan.load
    ? { pinned: true, pinning: plan }
    : { pinned: false, reason: `taskset: the mask of ${pid} is ${now || 'unreadable'}, not ${plan.load}` };
}

/**
 * The command that starts `node <args>` on the targets' CPUs: `taskset` execs node in place, so the child's pid is
 * node's own, and every thread node starts inherits the mask (no race with threads started early).
 */
export function pinnedCommand(options: {
  readonly pinning: CpuPinning | undefined;
  readonly nodePath: string;
  readonly args: readonly string[];
}): { readonly command: string; readonly args: readonly string[] } {
  const { pinning, nodePath, args } = options;
  return pinning === undefined
    ? { command: nodePath, args }
    : { command: 'taskset', args: ['-c', pinning.target, nodePath, ...args] };
}
