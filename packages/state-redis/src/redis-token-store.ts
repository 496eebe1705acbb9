import { randomUUID } from 'node:crypto';
import { listenToChannel } from './_token-channels.js';
import { pushTokensScript, releaseLockScript, writeTokensScript } from './_token-scripts.js';
import type { RedisConnection } from './redis-connection.js';
import { StateStoreError } from './state-store-error.js';
import type {
  SharedTokenLock,
  SharedTokenLockOptions,
  SharedTokens,
  TokenStoreShape,
} from './token-store-shape.js';

/** Options of {@link createRedisTokenStore}. */
export interface RedisTokenStoreOptions {
  readonly connection: RedisConnection;
  /** The account: its provider's name. Keys `<prefix>oauth:<account>:tokens` and `…:lock`, channel `<prefix>oauth:<account>`. */
  readonly account: string;
  /**
   * How long the refresh lock lives in Redis unless its holder releases it first, in ms: a holder that crashed
   * mid-refresh blocks the others at most this long. Default the credential source's stale age (the token request
   * timeout) + 5 s.
   */
  readonly lockTtlInMs?: number;
  /**
   * This instance's own store (its token file): it seeds Redis when Redis holds no tokens yet, a newer login written
   * to it by `ccb login` is pushed to Redis, it mirrors what Redis holds, and it is used alone (its lock and all)
   * while Redis is unreachable.
   */
  readonly fallback?: TokenStoreShape;
  /** Inline tokens from the config: they seed Redis when neither Redis nor `fallback` holds any. */
  readonly initial?: SharedTokens;
  /** Called once per outage when the account turns to `fallback` because Redis is unreachable; never with a token. */
  readonly onFallback?: (error: StateStoreError) => void;
  /** Longest pause between two tries for a held lock, in ms; a release or a peer's refresh wakes the waiters at once. Default 100. */
  readonly lockPollInMs?: number;
}

/** A {@link TokenStoreShape} on Redis, with `close` to stop listening (the credential source calls it). */
export interface RedisTokenStore extends TokenStoreShape {
  close(): void;
}

interface TokensMessage {
  /** The instance that published it. */
  readonly o: string;
  readonly e: 'tokens' | 'released';
}

/**
 * One subscription account's tokens and refresh lock shared by every ccb instance through Redis, so that instances
 * on several hosts refresh the account once and all use the rotated tokens (with one token file per host, the first
 * refresh would kill the others' refresh token). The tokens are secrets: Redis then holds them and must be
 * protected like the token file (AUTH, TLS, no shared access); nothing here logs them.
 *
 * - The lock is `SET NX PX` with a random holder nonce, released by compare-and-delete, so only its holder frees it.
 * - Changes are published (no secret in the message): lock waiters retry at once and adopt a peer's refresh, and a
 *   needs-login account notices a login made on another host.
 * - When Redis is unreachable the account works on `fallback` alone (reads, writes, its file lock marked
 *   `fallback`), says so once through `onFallback`, and when Redis is back pushes what the file holds if it is newer.
 */
export function createRedisTokenStore(options: RedisTokenStoreOptions): RedisTokenStore {
  const { connection, account, fallback } = options;
  if (typeof account !== 'string' || account === '') {
    throw new StateStoreError(
      'CCB_STATE_INVALID_OPTIONS',
      'createRedisTokenStore: account must be a non-empty string.',
    );
  }
  const tokensKey = connection.key(`oauth:${account}:tokens`);
  const lockKey = connection.key(`oauth:${account}:lock`);
  const channel = `oauth:${account}`;
  const channelKey = connection.key(channel);
  const pollInMs = options.lockPollInMs ?? 100;
  const wakers = new Set<() => void>();
  const watchers = new Set<() => void>();
  let reported = false;
  let closed = false;
  /** The tokens this store last read from or wrote to the token file: a file that differs was written by another. */
  let lastSeenLocal: SharedTokens | undefined;
  /** Whether this store holds the token file's lock (a refresh while Redis is down). */
  let holdingFileLock = false;
  let fileLockOptions: SharedTokenLockOptions = { staleAfterInMs: 30_000, waitInMs: 35_000, now: Date.now };

  const message = (event: TokensMessage['e']) => JSON.stringify({ o: connection.instanceId, e: event });

  const stopListening = listenToChannel(connection, channel, (text) => {
    let parsed: Partial<TokensMessage>;
    try {
      parsed = JSON.parse(text) as Partial<TokensMessage>;
    } catch {
      return;
    }
    for (const wake of [...wakers]) wake();
    if (parsed.e === 'tokens' && parsed.o !== connection.instanceId) {
      for (const watcher of [...watchers]) watcher();
    }
  });
  const stopOnUp = connection.onUp(() => {
    reported = false;
    // Tokens refreshed through the file while Redis was down (or a login made then) reach the others now.
    void pushLocal().catch(() => undefined);
  });

  function degrade(cause?: unknown): void {
    // Before the first connect has had a chance (start-up) the file serves quietly; onUp pushes it.
    if (reported || (cause === undefined && connection.status().lastError === null)) return;
    reported = true;
    options.onFallback?.(
      new StateStoreError(
        'CCB_STATE_TOKEN_STORE_FALLBACK',
        `Redis at ${connection.address} is unreachable: subscription account ${account} keeps its tokens in this instance's ${fallback === undefined ? 'memory' : 'token file'} and refreshes under its local lock until Redis is back.`,
        { cause },
      ),
    );
  }

  async function readLocal(): Promise<SharedTokens | undefined> {
    if (fallback === undefined) return options.initial;
    const onDisk = await fallback.read();
    if (onDisk !== undefined) lastSeenLocal = onDisk;
    return onDisk ?? options.initial;
  }

  /**
   * Writes tokens that came through Redis to this host's token file, under the file's lock (unless this store holds
   * it already), and never over a file someone else wrote since this store last saw it: a `ccb login` made meanwhile
   * must not be replaced by the old account's refresh. Such a file is offered to Redis instead, which keeps the newer
   * of the two (see `push`). Returns the error of a failed write.
   */
  async function writeLocal(tokens: SharedTokens): Promise<unknown> {
    if (fallback === undefined) return undefined;
    const lock = holdingFileLock ? undefined : await fallback.lock(fileLockOptions).catch(() => undefined);
    try {
      const onDisk = await fallback.read().catch(() => undefined);
      if (
        onDisk !== undefined &&
        lastSeenLocal !== undefined &&
        !sameTokens(onDisk, lastSeenLocal) &&
        !sameTokens(onDisk, tokens)
      ) {
        lastSeenLocal = onDisk;
        void push(onDisk).catch(() => undefined);
        return undefined;
      }
      await fallback.write(tokens);
      lastSeenLocal = tokens;
      return undefined;
    } catch (error) {
      return error;
    } finally {
      await lock?.release().catch(() => undefined);
    }
  }

  async function readLocalQuietly(): Promise<SharedTokens | undefined> {
    try {
      return await readLocal();
    } catch {
      return undefined;
    }
  }

  /** Pushes `tokens` unless Redis holds newer ones; the tokens that stay in Redis. */
  async function push(tokens: SharedTokens): Promise<SharedTokens | undefined> {
    const stays = (await connection.commands.eval(
      pushTokensScript,
      1,
      tokensKey,
      encode(tokens),
      channelKey,
      message('tokens'),
    )) as string | null;
    return stays === null ? undefined : decode(stays);
  }

  async function pushLocal(): Promise<void> {
    const local = await readLocalQuietly();
    if (local !== undefined && !closed) await push(local);
  }

  /** Keeps the token file a copy of Redis's tokens, so that an outage starts from the latest ones. */
  async function mirror(shared: SharedTokens, local: SharedTokens | undefined): Promise<void> {
    if (fallback === undefined || (local !== undefined && sameTokens(shared, local))) return;
    await writeLocal(shared);
  }

  async function fallbackLock(lockOptions: SharedTokenLockOptions): Promise<SharedTokenLock | undefined> {
    if (fallback === undefined) return { release: async () => undefined, fallback: true };
    const lock = await fallback.lock(lockOptions);
    if (lock === undefined) return undefined;
    holdingFileLock = true;
    return {
      release: () => {
        holdingFileLock = false;
        return lock.release();
      },
      fallback: true,
    };
  }

  function nextWake(delayInMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, delayInMs);
      wakers.add(done);
    });
  }

  return {
    async read() {
      if (!connection.status().up) {
        degrade();
        return readLocal();
      }
      let stored: string | null;
      try {
        stored = await connection.commands.get(tokensKey);
      } catch (error) {
        degrade(error);
        return readLocal();
      }
      const shared = stored === null ? undefined : decode(stored);
      if (shared === undefined) {
        // Nothing shared yet: this instance's token file (or inline tokens) seeds Redis; a peer's seed may win.
        const local = await readLocal();
        if (local === undefined) return undefined;
        try {
          return (await push(local)) ?? local;
        } catch (error) {
          degrade(error);
          return local;
        }
      }
      const local = await readLocalQuietly();
      if (local !== undefined && !sameTokens(local, shared) && isLater(local, shared)) {
        // Maybe a newer login written to this host's token file (`ccb login`): it replaces the shared tokens, unless
        // Redis knows its refresh token as replaced (a stale file whose expiry a skewed clock put later).
        let stays: SharedTokens | undefined;
        try {
          stays = (await push(local)) ?? local;
        } catch (error) {
          degrade(error);
          return local;
        }
        if (sameTokens(stays, local)) return local;
        await mirror(stays, local);
        return stays;
      }
      await mirror(shared, local);
      return shared;
    },

    async write(tokens) {
      // Redis first: it is what the others refresh from, so a crash right after must not leave it behind the file.
      let sharedError: unknown;
      try {
        if (!connection.status().up) throw new Error('not connected');
        await connection.commands.eval(
          writeTokensScript,
          1,
          tokensKey,
          encode(tokens),
          channelKey,
          message('tokens'),
        );
      } catch (error) {
        sharedError = error;
        degrade(error);
      }
      // Then the token file: what this instance restarts from, falls back on, and pushes to Redis when it is back.
      const localError = await writeLocal(tokens);
      if (sharedError !== undefined && (fallback === undefined || localError !== undefined)) {
        throw new StateStoreError(
          'CCB_STATE_WRITE_FAILED',
          `Cannot store the refreshed tokens of subscription account ${account} in Redis at ${connection.address} or in a token file.`,
          { cause: localError ?? sharedError },
        );
      }
      if (localError !== undefined) throw localError;
    },

    async lock(lockOptions) {
      fileLockOptions = lockOptions;
      if (!connection.status().up) {
        degrade();
        return fallbackLock(lockOptions);
      }
      const nonce = randomUUID();
      const ttlInMs = Math.max(1, Math.round(options.lockTtlInMs ?? lockOptions.staleAfterInMs + 5_000));
      const deadline = performance.now() + lockOptions.waitInMs;
      for (;;) {
        let won: boolean;
        try {
          won = (await connection.commands.set(lockKey, nonce, 'PX', ttlInMs, 'NX')) === 'OK';
        } catch (error) {
          degrade(error);
          return fallbackLock(lockOptions);
        }
        if (won) {
          return {
            async release() {
              await connection.commands
                .eval(releaseLockScript, 1, lockKey, nonce, channelKey, message('released'))
                .catch(() => undefined);
            },
          };
        }
        const leftInMs = deadline - performance.now();
        if (leftInMs <= 0 || closed) return undefined;
        await nextWake(Math.min(leftInMs, pollInMs));
      }
    },

    watch(onChange) {
      watchers.add(onChange);
      const stopLocal = fallback?.watch?.(onChange);
      return () => {
        watchers.delete(onChange);
        stopLocal?.();
      };
    },

    close() {
      closed = true;
      stopOnUp();
      stopListening();
      watchers.clear();
      for (const wake of [...wakers]) wake();
    },
  };
}

function encode(tokens: SharedTokens): string {
  const stored: SharedTokens = { accessToken: tokens.accessToken };
  if (tokens.refreshToken !== undefined) stored.refreshToken = tokens.refreshToken;
  if (tokens.expiresAt !== undefined) stored.expiresAt = tokens.expiresAt;
  if (tokens.scope !== undefined) stored.scope = tokens.scope;
  return JSON.stringify(stored);
}

/** Tolerant: what is not a token pair counts as no tokens (the next seed or refresh replaces it). */
function decode(text: string): SharedTokens | undefined {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null || typeof json.accessToken !== 'string') return undefined;
  const tokens: SharedTokens = { accessToken: json.accessToken };
  if (typeof json.refreshToken === 'string' && json.refreshToken !== '')
    tokens.refreshToken = json.refreshToken;
  if (typeof json.expiresAt === 'number' && Number.isFinite(json.expiresAt))
    tokens.expiresAt = json.expiresAt;
  if (typeof json.scope === 'string') tokens.scope = json.scope;
  if (tokens.accessToken === '' && tokens.refreshToken === undefined) return undefined;
  return tokens;
}

function sameTokens(left: SharedTokens, right: SharedTokens): boolean {
  return (
    left.accessToken === right.accessToken &&
    left.refreshToken === right.refreshToken &&
    left.expiresAt === right.expiresAt
  );
}

/** As the push script orders them: a later expiry is newer; no expiry counts as never expiring. */
function isLater(candidate: SharedTokens, current: SharedTokens): boolean {
  return (candidate.expiresAt ?? Number.POSITIVE_INFINITY) > (current.expiresAt ?? Number.POSITIVE_INFINITY);
}
