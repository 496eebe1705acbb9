import type { ChildProcess } from 'node:child_process';

/** Every child process the bench started, so each one is stopped on success, error and Ctrl-C alike. */
export interface ProcessRegistry {
  add(child: ChildProcess): void;
  /** Forgets a child that exited on its own or was stopped. */
  delete(child: ChildProcess): void;
  /** SIGTERM to every live child, SIGKILL to those still alive after `graceInMs` (default 3000 ms). */
  stopAll(graceInMs?: number): Promise<void>;
  /** SIGKILL to every live child, synchronously: the last resort in a `process.on('exit')` handler. */
  killAllNow(): void;
  readonly size: number;
}

const defaultGraceInMs = 3000;

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/**
 * Stops one child: SIGTERM, then SIGKILL after `graceInMs` if it has not exited. Resolves once it
 * exited.
 */
export function stopChild(child: ChildProcess, graceInMs = defaultGraceInMs): Promise<void> {
  if (!isRunning(child)) return Promise.resolve();
  return new Promise((resolve) => {
    const killTimer = setTimeout(() => child.kill('SIGKILL'), graceInMs);
    child.once('exit', () => {
      clearTimeout(killTimer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Creates an empty {@link ProcessRegistry}. */
export function createProcessRegistry(): ProcessRegistry {
  const children = new Set<ChildProcess>();
  return {
    add(child) {
      children.add(child);
      child.once('exit', () => children.delete(child));
    },
    delete(child) {
      children.delete(child);
    },
    async stopAll(graceInMs = defaultGraceInMs) {
      await Promise.all([...children].map((child) => stopChild(child, graceInMs)));
      children.clear();
    },
    killAllNow() {
      for (const child of children) if (isRunning(child)) child.kill('SIGKILL');
      children.clear();
    },
    get size() {
      return children.size;
    },
  };
}
