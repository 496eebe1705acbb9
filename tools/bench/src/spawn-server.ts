import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { BenchError } from './bench-error.js';
import { type CpuPinning, pinnedCommand } from './cpu-pinning.js';
import { createLoopProbeClient, type LoopProbeClient } from './loop-probe-client.js';
import type { ProcessRegistry } from './process-registry.js';
import { stopChild } from './process-registry.js';

/** A server the bench started in its own process. */
export interface ServerProcess {
  /** Label used in messages (`ccb`, `node-pipe`, `mock`). */
  readonly name: string;
  readonly pid: number;
  /** `http://127.0.0.1:<port>`, as the process announced it. */
  readonly url: string;
  /** The whole stdout line that announced the URL (some servers add fields to it). */
  readonly readyLine: string;
  /** The loop probe's side channel, when the process was started with it (`loopProbePath`). */
  readonly loopProbe: LoopProbeClient | undefined;
  /** Throws `CCB_BENCH_TARGET_EXITED` if the process has died since it started. */
  assertRunning(): void;
  /** SIGTERM, then SIGKILL after a grace period; resolves once the process exited. Idempotent. */
  stop(): Promise<void>;
}

/** Options of {@link spawnServer}. */
export interface SpawnServerOptions {
  readonly name: string;
  /** Arguments to `node` (the current `process.execPath`): the script first. */
  readonly nodeArgs: readonly string[];
  readonly registry: ProcessRegistry;
  /** Longest wait for the announcement line, in ms. Default 15 000. */
  readonly startTimeoutInMs?: number;
  /** Adds an IPC channel, so a bench-owned script can exit when the bench disappears. Default false. */
  readonly ipc?: boolean;
  /**
   * The built loop probe (`dist/loop-probe.js`): preloaded with `--import`, over an IPC channel, so the bench can
   * read the process's event-loop delay and GC pauses per window. Default none.
   */
  readonly loopProbePath?: string;
  /**
   * Sends stdout to this file instead of a pipe, and finds the announcement there. For a chatty server: a pipe
   * read by the bench process (which also runs the load generator) would make the server wait on the bench.
   */
  readonly stdoutFile?: string;
  /** Runs the process on the measured target's CPUs (see `cpu-pinning.ts`). Default: the bench's own mask. */
  readonly pinning?: CpuPinning | undefined;
}

const listeningUrl = /http:\/\/127\.0\.0\.1:(\d+)/;
const outputTailInChars = 4000;
const defaultStartTimeoutInMs = 15_000;

function appendTail(tail: string, chunk: string): string {
  const joined = tail + chunk;
  return joined.length > outputTailInChars ? joined.slice(-outputTailInChars) : joined;
}

function describeExit(child: ChildProcess): string {
  return child.signalCode === null ? `exit code ${child.exitCode}` : `signal ${child.signalCode}`;
}

/**
 * Starts `node <nodeArgs>` (through `taskset` on the targets' CPUs when `pinning` is set) and resolves once its
 * stdout announces `http://127.0.0.1:<port>`. After that stdout keeps flowing into nothing, as into /dev/null, so a
 * chatty logger never blocks on a full pipe.
 * Throws `CCB_BENCH_TARGET_START_FAILED` (with the output tail) when the process exits or stays silent
 * past the timeout; the process is stopped in either case.
 */
export function spawnServer(options: SpawnServerOptions): Promise<ServerProcess> {
  const { name, registry } = options;
  const stdoutFd = options.stdoutFile === undefined ? undefined : openSync(options.stdoutFile, 'w');
  const stdout = stdoutFd ?? 'pipe';
  const probeArgs =
    options.loopProbePath === undefined ? [] : ['--import', pathToFileURL(options.loopProbePath).href];
  const ipc = options.ipc === true || options.loopProbePath !== undefined;
  const { command, args } = pinnedCommand({
    pinning: options.pinning,
    nodePath: process.execPath,
    args: [...probeArgs, ...options.nodeArgs],
  });
  const child = spawn(command, args, {
    stdio: ipc ? ['ignore', stdout, 'pipe', 'ipc'] : ['ignore', stdout, 'pipe'],
  });
  const loopProbe = options.loopProbePath === undefined ? undefined : createLoopProbeClient(child);
  if (stdoutFd !== undefined) closeSync(stdoutFd);
  registry.add(child);
  let stdoutTail = '';
  let stderrTail = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderrTail = appendTail(stderrTail, chunk);
  });

  const outputTail = () =>
    [
      stderrTail.trim() && `stderr:\n${stderrTail.trim()}`,
      stdoutTail.trim() && `stdout:\n${stdoutTail.trim()}`,
    ]
      .filter(Boolean)
      .join('\n') || '(no output)';

  return new Promise<ServerProcess>((resolve, reject) => {
    let lineBuffer = '';
    const fail = (reason: string, cause?: unknown) => {
      cleanup();
      void stopChild(child);
      reject(
        new BenchError(
          'CCB_BENCH_TARGET_START_FAILED',
          `${name} did not start: ${reason}. Command: ${[command, ...args].join(' ')}\n${outputTail()}`,
          { cause },
        ),
      );
    };
    const timer = setTimeout(
      () =>
        fail(
          `no "listening on http://127.0.0.1:<port>" line within ${options.startTimeoutInMs ?? defaultStartTimeoutInMs} ms`,
        ),
      options.startTimeoutInMs ?? defaultStartTimeoutInMs,
    );
    const onExit = () => fail(`it exited (${describeExit(child)})`);
    const onError = (error: Error) => fail(error.message, error);
    const onData = (bytes: Buffer) => {
      const chunk = bytes.toString('utf8');
      stdoutTail = appendTail(stdoutTail, chunk);
      lineBuffer += chunk;
      for (let newline = lineBuffer.indexOf('\n'); newline !== -1; newline = lineBuffer.indexOf('\n')) {
        const line = lineBuffer.slice(0, newline);
        lineBuffer = lineBuffer.slice(newline + 1);
        const match = listeningUrl.exec(line);
        if (match !== null) {
          cleanup();
          resolve(started(line, `http://127.0.0.1:${match[1]}`));
          return;
        }
      }
    };
    // With stdout in a file, look for the announcement there (bounded by the start timer).
    const poll =
      options.stdoutFile === undefined
        ? undefined
        : setInterval(() => {
            const text = readFileSync(options.stdoutFile as string, 'utf8');
            stdoutTail = text.slice(-outputTailInChars);
            const line = text.split('\n').find((candidate) => listeningUrl.test(candidate));
            const match = line === undefined ? null : listeningUrl.exec(line);
            if (line !== undefined && match !== null) {
              cleanup();
              resolve(started(line, `http://127.0.0.1:${match[1]}`));
            }
          }, 25);
    function cleanup(): void {
      clearTimeout(timer);
      if (poll !== undefined) clearInterval(poll);
      child.off('exit', onExit);
      child.off('error', onError);
      child.stdout?.off('data', onData);
    }
    child.once('exit', onExit);
    child.once('error', onError);
    // No setEncoding: once started, discarded output should not be decoded either.
    child.stdout?.on('data', onData);
  });

  function started(readyLine: string, url: string): ServerProcess {
    // Flowing with no listener: the rest of stdout (one log line per request for ccb) is discarded, like
    // /dev/null, but through a pipe as under a service manager.
    child.stdout?.resume();
    let stopping: Promise<void> | undefined;
    return {
      name,
      pid: child.pid as number,
      url,
      readyLine,
      loopProbe,
      assertRunning() {
        if (child.exitCode === null && child.signalCode === null) return;
        throw new BenchError(
          'CCB_BENCH_TARGET_EXITED',
          `${name} (pid ${child.pid}) died during the benchmark (${describeExit(child)}).\n${outputTail()}`,
        );
      },
      stop() {
        stopping ??= stopChild(child).then(() => registry.delete(child));
        return stopping;
      },
    };
  }
}
