/** A Node system error (`fs`, `net`): an errno `code`, the `syscall` that failed, and what it failed on. */
export interface SystemError extends Error {
  readonly code: string;
  readonly syscall: string;
  readonly path?: string;
  readonly dest?: string;
  readonly address?: string;
  readonly port?: number;
}

/** True for an error raised by a system call, as Node shapes them (`code` and `syscall`). */
export function isSystemError(value: unknown): value is SystemError {
  return (
    value instanceof Error &&
    typeof (value as Partial<SystemError>).code === 'string' &&
    typeof (value as Partial<SystemError>).syscall === 'string'
  );
}

/** What an errno means in plain words, and what a ccb user can do about it. */
interface Explanation {
  readonly meaning: string;
  readonly fix?: string;
}

const permissionFix = 'check the permissions of the path and of the folders above it';
const portFix = 'choose another port with --port or server.port';

/**
 * The errnos ccb runs into (reading configs, writing `ccb init` files and the ledger, binding the port). Keys are
 * `CODE` or `CODE:syscall` where the same errno calls for another fix (a refused `listen` is about the port).
 */
const explanations: Readonly<Record<string, Explanation>> = {
  ENOENT: { meaning: 'no such file or folder', fix: 'check the path; a folder on it may be missing' },
  ENOTDIR: { meaning: 'a part of the path is a file, not a folder', fix: 'check the path' },
  EISDIR: { meaning: 'it is a folder, not a file', fix: 'name a file' },
  EEXIST: { meaning: 'it already exists' },
  EACCES: { meaning: 'permission denied', fix: permissionFix },
  'EACCES:listen': {
    meaning: 'permission denied',
    fix: `ports below 1024 need privileges; ${portFix} (1024 or above)`,
  },
  EPERM: { meaning: 'operation not permitted', fix: permissionFix },
  EROFS: { meaning: 'the file system is read-only', fix: 'choose a writable location' },
  ENOSPC: { meaning: 'no space left on the device', fix: 'free some disk space' },
  EMFILE: { meaning: 'too many open files', fix: 'raise the limit of open files (ulimit -n)' },
  ELOOP: { meaning: 'too many symbolic links (a link loop?)', fix: 'check the symbolic links on the path' },
  ENAMETOOLONG: { meaning: 'the path is too long', fix: 'use a shorter path' },
  EADDRINUSE: {
    meaning: 'the address is already in use',
    fix: `another process (another ccb?) is listening there: stop it, or ${portFix}`,
  },
  EADDRNOTAVAIL: {
    meaning: 'the address is not one of this machine',
    fix: 'listen on one of its addresses with --host or server.host, e.g. 127.0.0.1',
  },
  ENOTFOUND: { meaning: 'the host name does not resolve', fix: 'check the host name' },
  EPIPE: { meaning: 'the reader of the output went away' },
};

function explain(code: string, syscall?: string): Explanation | undefined {
  return (syscall === undefined ? undefined : explanations[`${code}:${syscall}`]) ?? explanations[code];
}

/** How to fix a system failure, for messages that already say what failed (`cannot listen on …: EADDRINUSE`). */
export function systemErrorFix(error: unknown): string | undefined {
  return isSystemError(error) ? explain(error.code, error.syscall)?.fix : undefined;
}

/**
 * One line for a system error: the operation, where, what it means and how to fix it, e.g.
 * `cannot open /srv/x/ccb.yaml: no such file or folder (ENOENT); check the path; a folder on it may be missing`.
 */
export function describeSystemError(error: SystemError): string {
  const where =
    error.path ??
    (error.address === undefined
      ? undefined
      : error.port === undefined
        ? error.address
        : `${error.address}:${error.port}`);
  const explanation = explain(error.code, error.syscall);
  // Node's own wording ("ENOENT: no such file or directory, open '/x'") is the fallback for an errno not listed.
  const meaning = explanation?.meaning ?? error.message.replace(/^[A-Z]+: /, '').split(', ')[0];
  const preposition = error.syscall === 'listen' ? ' on' : error.syscall === 'connect' ? ' to' : '';
  const operation = `cannot ${error.syscall}${where === undefined ? '' : `${preposition} ${where}`}`;
  return `${operation}: ${meaning} (${error.code})${explanation?.fix === undefined ? '' : `; ${explanation.fix}`}`;
}
