import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  acquireTokenFileLock,
  createLock,
  type LockContent,
  readLock,
  takeOver,
} from '../src/oauth/_token-file-lock.js';

let directory: string;
let tokenFile: string;
let lockPath: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'ccb-token-file-lock-'));
  tokenFile = join(directory, 'tokens.json');
  lockPath = `${tokenFile}.lock`;
});
afterEach(() => rm(directory, { recursive: true, force: true }));

const now = () => 1_000_000;
const options = { staleAfterInMs: 60_000, now };
const staleLock: LockContent = { pid: process.pid, acquiredAt: 0, nonce: 'stale-holder' };

async function lockNonce(): Promise<string | undefined> {
  const holder = await readLock(lockPath);
  return typeof holder === 'object' ? holder.nonce : undefined;
}

describe('acquireTokenFileLock', () => {
  it('a slower waiter taking over the same stale lock leaves the winner’s fresh lock in place', async () => {
    await writeFile(lockPath, JSON.stringify(staleLock));
    // A and B both read the stale lock and judge it stale.
    const judgedByA = await readLock(lockPath);
    const judgedByB = await readLock(lockPath);
    expect(judgedByA).toEqual(staleLock);
    // B moves it aside and creates its own lock.
    await takeOver(lockPath, judgedByB as LockContent, options);
    expect(await createLock(lockPath, { pid: process.pid, acquiredAt: now(), nonce: 'b' })).toBe(true);
    // A's rename now succeeds on B's fresh lock: A must notice and put it back.
    await takeOver(lockPath, judgedByA as LockContent, options);
    expect(await lockNonce()).toBe('b');
    expect(await createLock(lockPath, { pid: process.pid, acquiredAt: now(), nonce: 'a' })).toBe(false);
    expect((await readdir(directory)).sort()).toEqual(['tokens.json.lock']);
  });

  it('a takeover of an unreadable lock leaves a readable lock created meanwhile in place', async () => {
    await writeFile(lockPath, 'garbage');
    const judged = await readLock(lockPath);
    expect(judged).toBe('unreadable');
    await takeOver(lockPath, 'unreadable', options);
    expect(await createLock(lockPath, { pid: process.pid, acquiredAt: now(), nonce: 'b' })).toBe(true);
    await takeOver(lockPath, judged as 'unreadable', options);
    expect(await lockNonce()).toBe('b');
  });

  it('release leaves a lock that another process holds since ours was taken over', async () => {
    const ours = await acquireTokenFileLock(tokenFile, { staleAfterInMs: 10, waitInMs: 1_000, now });
    const judged = await readLock(lockPath);
    await takeOver(lockPath, judged as LockContent, { staleAfterInMs: 10, now });
    expect(await createLock(lockPath, { pid: process.pid, acquiredAt: now(), nonce: 'other' })).toBe(true);
    await ours?.release();
    expect(await lockNonce()).toBe('other');
    expect(await readdir(directory)).toEqual(['tokens.json.lock']);
  });

  it('of several concurrent waiters on a stale lock, exactly one holds it at any time', {
    timeout: 60_000,
  }, async () => {
    const rounds = 8;
    const acquirers = 5;
    let holding = 0;
    let mostHolding = 0;
    let acquired = 0;
    for (let round = 0; round < rounds; round++) {
      await writeFile(lockPath, JSON.stringify(staleLock));
      await Promise.all(
        Array.from({ length: acquirers }, async () => {
          const lock = await acquireTokenFileLock(tokenFile, {
            staleAfterInMs: 60_000,
            waitInMs: 10_000,
            now,
            pollInMs: 1,
          });
          if (lock === undefined) return;
          acquired++;
          holding++;
          mostHolding = Math.max(mostHolding, holding);
          // Hold across a few file-system round trips, so that the others' steps interleave with the holding.
          await readFile(lockPath).catch(() => undefined);
          await readdir(directory);
          holding--;
          await lock.release();
        }),
      );
      expect(await readdir(directory)).toEqual([]);
    }
    expect(acquired).toBe(rounds * acquirers);
    expect(mostHolding).toBe(1);
  });
});
