import { type Stats, unwatchFile, watchFile } from 'node:fs';
import { acquireTokenFileLock } from './_token-file-lock.js';
import type { OAuthTokenStore } from './oauth-token-store.js';
import { readTokenFile, writeTokenFile } from './token-file.js';

/** Options of {@link createFileTokenStore}. */
export interface FileTokenStoreOptions {
  /** How often `watch` checks the file for a new login (`fs.watchFile`), in ms. Default 5 s. */
  readonly fileCheckIntervalInMs?: number;
  /** Clock for the file's `updated_at`, ms since the epoch. Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * An account's tokens in a token file (atomic writes, mode 0600) with its refresh lock beside it
 * (`<file>.lock`): one refresher among all the processes of this host that share the file.
 */
export function createFileTokenStore(path: string, options: FileTokenStoreOptions = {}): OAuthTokenStore {
  const interval = options.fileCheckIntervalInMs ?? 5_000;
  const now = options.now ?? Date.now;
  return {
    read: () => readTokenFile(path),
    write: (tokens) => writeTokenFile(path, tokens, { now }),
    lock: (lockOptions) =>
      acquireTokenFileLock(path, {
        staleAfterInMs: lockOptions.staleAfterInMs,
        waitInMs: lockOptions.waitInMs,
        now: lockOptions.now,
      }),
    watch(onChange) {
      const listener = (current: Stats) => {
        // The file does not exist (yet): nothing to adopt.
        if (current.nlink === 0 && current.mtimeMs === 0) return;
        onChange();
      };
      // Polls with stat only while someone watches (an account waiting for `ccb login`).
      watchFile(path, { interval, persistent: false }, listener);
      return () => unwatchFile(path, listener);
    },
  };
}
