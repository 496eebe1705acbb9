import { execFileSync } from 'node:child_process';

/**
 * Which CPUs the load side (the bench with its load generator, the mock, the shared engines) and the measured
 * proxy run on, as `taskset` CPU lists (`0`, `2-3`), for `--pin`.
 *
 * Unpinned, the proxy under test shares its cores with the load generator and the mock: on two cores, three busy
 * processes, each descheduled at times and finding its caches cold. Pinned, it has a core of its own, as it has in
 * use (Claude Code waits on the network, the upstream is remote). On this project's 2-vCPU VM that did not take out
 * the spread between rounds, which comes from the host (docs/performance.md, item 35), so it is not the default.
 */
export interface CpuPinning {
  readonly load: string;
  readonly target: string;
}

function cpuList(first: number, last: number): string {
  return first === last ? String(first) : `${first}-${last}`;
}

/**
 * Splits `cpuCount` CPUs: the upper half (at least one) for the measured target, the rest for the load side.
 * Undefined with fewer than two CPUs, where there is nothing to split.
 */
export function planCpuPinning(cpuCount: number): CpuPinning | undefined {
  if (!Number.isInteger(cpuCount) || cpuCount < 2) return undefined;
  const targetCount = Math.floor(cpuCount / 2);
  const firstTarget = cpuCount - targetCount;
  return { load: cpuList(0, firstTarget - 1), target: cpuList(firstTarget, cpuCount - 1) };
}

/** Runs `taskset`; false when it is missing or refuses (not Linux, no util-linux, a restricted cgroup). */
function runTaskset(args: readonly string[]): boolean {
  try {
    execFileSync('taskset', args, { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * Pins every thread of this process (and so every child it starts later, which inherits the mask) to the
 * load side's CPUs. Resolves the plan only when that worked, else undefined: the run then goes unpinned.
 */
export function pinLoadSide(cpuCount: number, pid = process.pid): CpuPinning | undefined {
  const plan = planCpuPinning(cpuCount);
  if (plan === undefined) return undefined;
  return runTaskset(['-a', '-p', '-c', plan.load, String(pid)]) ? plan : undefined;
}

/**
 * The command that starts `node <args>` on the target's CPUs: `taskset` execs node in place, so the child's
 * pid is node's own, and every thread node starts inherits the mask (no race with threads started early).
 */
export function pinnedCommand(
  pinning: CpuPinning | undefined,
  nodePath: string,
  args: readonly string[],
): { readonly command: string; readonly args: readonly string[] } {
  return pinning === undefined
    ? { command: nodePath, args }
    : { command: 'taskset', args: ['-c', pinning.target, nodePath, ...args] };
}
