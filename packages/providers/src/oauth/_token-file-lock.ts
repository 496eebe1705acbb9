import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, unlink } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';

/** Options of {@link acquireTokenFileLock}. */
export interface TokenFileLockOptions {
  /** A lock older than this is from a crashed or hung process and is taken over: the token request timeout. */
  readonly staleAfterInMs: number;
  /** How long to wait for another process's lock before giving up (real time). */
  readonly waitInMs: number;
  /** Clock written into the lock and compared for staleness, ms since the epoch. */
  readonly now: () => number;
  /** Pause between two attempts while another process holds the lock. Default 25 ms. */
  readonly pollInMs?: number;
}

/** A held lock; `release` removes it only if it is still ours. */
export interface TokenFileLock {
  release(): Promise<void>;
}

/** What a lock file holds; exported with the steps below for the tests that replay racing interleavings. */
export interface LockContent {
  readonly pid: number;
  readonly acquiredAt: number;
  readonly nonce: string;
}

/**
 * Takes `tokenFile + '.lock'` (see createLock: exactly one process wins) so that only one process refreshes an
 * account at a time: a rotated refresh token is single-use, and two refreshers would leave one holding a dead token
 * (the failure of relays that marked healthy accounts dead). Resolves `undefined` when the wait runs out.
 */
export async function acquireTokenFileLock(
  tokenFile: string,
  options: TokenFileLockOptions,
): Promise<TokenFileLock | undefined> {
  const lockPath = `${tokenFile}.lock`;
  const nonce = randomBytes(8).toString('hex');
  const deadline = performance.now() + options.waitInMs;
  const pollInMs = options.pollInMs ?? 25;
  for (;;) {
    const content: LockContent = { pid: process.pid, acquiredAt: options.now(), nonce };
    if (await createLock(lockPath, content)) {
      return { release: () => releaseLock(lockPath, nonce) };
    }
    if (performance.now() >= deadline) return undefined;
    const holder = await readLock(lockPath);
    if (holder === 'absent') continue;
    if (holder === 'unreadable' || isStale(holder, options)) {
      if (await takeOver(lockPath, holder, options)) continue;
    }
    await delay(pollInMs);
  }
}

/**
 * Writes the lock's content to a private temporary file, then `link`s it to the lock path: like `open(…, 'wx')`
 * exactly one process wins (EEXIST for the others), and the lock never exists empty, so a reader never has to tell
 * a holder still writing from a crashed one.
 */
export async function createLock(lockPath: string, content: LockContent): Promise<boolean> {
  const temporaryPath = `${lockPath}.${content.nonce}.tmp`;
  const handle = await open(temporaryPath, 'wx', 0o600);
  try {
    await handle.writeFile(JSON.stringify(content));
  } finally {
    await handle.close();
  }
  try {
    await link(temporaryPath, lockPath);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temporaryPath).catch(() => undefined);
  }
}

export async function readLock(lockPath: string): Promise<LockContent | 'absent' | 'unreadable'> {
  let text: string;
  try {
    text = await readFile(lockPath, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'absent' : 'unreadable';
  }
  try {
    const json = JSON.parse(text) as Partial<LockContent>;
    if (
      typeof json.pid === 'number' &&
      typeof json.acquiredAt === 'number' &&
      typeof json.nonce === 'string'
    ) {
      return json as LockContent;
    }
  } catch {
    // Not a lock ccb wrote (locks appear complete, see createLock): taken over below.
  }
  return 'unreadable';
}

function isStale(
  holder: LockContent,
  options: Pick<TokenFileLockOptions, 'staleAfterInMs' | 'now'>,
): boolean {
  if (options.now() - holder.acquiredAt > options.staleAfterInMs) return true;
  return holder.pid > 0 && holder.pid !== process.pid && !isAlive(holder.pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the lock judged stale, so that the caller can try `wx` again; `false` when another waiter is taking it
 * over (the caller pauses). Two waiters that judged the same lock stale must not both act: the slower one would
 * remove the fresh lock the faster one created meanwhile, and both would hold it. So a takeover is itself exclusive
 * (`.takeover`, taken like the lock), re-reads the lock under it and removes it only if it is still the one judged
 * stale. The removal moves it aside with `rename` and checks what moved, since a hung (stale) holder may release
 * and another process lock between the re-read and the rename; a lock other than the judged one is put back.
 */
export async function takeOver(
  lockPath: string,
  judged: LockContent | 'unreadable',
  options: Pick<TokenFileLockOptions, 'staleAfterInMs' | 'now'>,
): Promise<boolean> {
  const guardPath = `${lockPath}.takeover`;
  const guard: LockContent = {
    pid: process.pid,
    acquiredAt: options.now(),
    nonce: randomBytes(8).toString('hex'),
  };
  if (!(await createLock(guardPath, guard))) {
    // A takeover is a few file operations: a guard as old as a stale lock is from a process that crashed in one.
    const guardHolder = await readLock(guardPath);
    if (guardHolder === 'unreadable' || (guardHolder !== 'absent' && isStale(guardHolder, options))) {
      await unlink(guardPath).catch(() => undefined);
    }
    return false;
  }
  try {
    if (!isSameLock(await readLock(lockPath), judged)) return true;
    const asidePath = `${lockPath}.stale-${randomBytes(6).toString('hex')}`;
    try {
      await rename(lockPath, asidePath);
    } catch {
      return true;
    }
    if (!isSameLock(await readLock(asidePath), judged)) await putBack(asidePath, lockPath);
    await unlink(asidePath).catch(() => undefined);
    return true;
  } finally {
    await unlink(guardPath).catch(() => undefined);
  }
}

function isSameLock(
  lock: LockContent | 'absent' | 'unreadable',
  judged: LockContent | 'unreadable',
): boolean {
  if (judged === 'unreadable') return lock === 'unreadable';
  return typeof lock === 'object' && lock.nonce === judged.nonce;
}

/**
 * Removes the lock only if it is still ours. Reading then unlinking would race with a waiter that took an
 * (apparently stale) lock of ours over and created its own in between: the unlink would remove that new lock. So the
 * lock is first moved aside, atomically, and what was moved is checked; another's lock is put back.
 */
export async function releaseLock(lockPath: string, nonce: string): Promise<void> {
  const asidePath = `${lockPath}.release-${randomBytes(6).toString('hex')}`;
  try {
    await rename(lockPath, asidePath);
  } catch {
    return;
  }
  const moved = await readLock(asidePath);
  if (typeof moved !== 'object' || moved.nonce !== nonce) await putBack(asidePath, lockPath);
  await unlink(asidePath).catch(() => undefined);
}

/** `link`, not `rename`: it never replaces a lock another process created while this one was moved aside. */
async function putBack(asidePath: string, lockPath: string): Promise<void> {
  await link(asidePath, lockPath).catch(() => undefined);
}
