import type { ChildProcess } from 'node:child_process';
import { type LoopFigures, type LoopProbeCommand, parseLoopProbeReply } from './loop-figures.js';

/** The bench's end of the loop probe's side channel to one process (see `loop-probe.ts`). */
export interface LoopProbeClient {
  /** Starts a window in the process: its figures count from now. */
  reset(): void;
  /**
   * The figures since the last reset; `undefined` when the process did not answer within `timeoutInMs` (a probe
   * that is not loaded, a process gone) or answered something else.
   */
  read(timeoutInMs?: number): Promise<LoopFigures | undefined>;
}

/** How long a read waits for the answer, in ms: a stalled event loop answers late, not never. */
const defaultReadTimeoutInMs = 5000;

/** A {@link LoopProbeClient} over `child`'s IPC channel (spawned with `'ipc'` in its stdio). */
export function createLoopProbeClient(child: ChildProcess): LoopProbeClient {
  const waiting = new Map<number, (figures: LoopFigures | undefined) => void>();
  let nextId = 1;
  child.on('message', (message: unknown) => {
    const reply = parseLoopProbeReply(message);
    if (reply !== undefined) waiting.get(reply.id)?.(reply.figures);
  });
  const send = (command: LoopProbeCommand): boolean => {
    if (!child.connected) return false;
    try {
      child.send(command);
      return true;
    } catch {
      // The process is gone: its row shows a dash.
      return false;
    }
  };
  return {
    reset() {
      send({ ccbLoopProbe: 'reset' });
    },
    read(timeoutInMs = defaultReadTimeoutInMs) {
      const id = nextId++;
      return new Promise((resolve) => {
        const settle = (figures: LoopFigures | undefined) => {
          clearTimeout(timer);
          waiting.delete(id);
          resolve(figures);
        };
        const timer = setTimeout(() => settle(undefined), timeoutInMs);
        waiting.set(id, settle);
        if (!send({ ccbLoopProbe: 'read', id })) settle(undefined);
      });
    },
  };
}
