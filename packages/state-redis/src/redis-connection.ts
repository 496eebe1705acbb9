import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { redisAddress, scrubSecrets } from './redis-address.js';
import { StateStoreError } from './state-store-error.js';

/** Whether the shared store is reachable, since when, and the last error (host:port at most, never the URL). */
export interface StateStoreStatus {
  readonly up: boolean;
  /** When `up` last changed (ms epoch); the connection's creation until the first change. */
  readonly since: number;
  readonly lastError: string | null;
}

/** Options of {@link createRedisConnection}. */
export interface RedisConnectionOptions {
  /** `redis://` or `rediss://` URL. A secret: it is never logged or shown, only its host:port. */
  readonly url: string;
  /** Prefix of every key and channel, so that several deployments can share one Redis. Default `'ccb:'`. */
  readonly keyPrefix?: string;
  /** Longest wait between reconnect attempts, in ms; the wait doubles from 50 ms up to it. Default `5_000`. */
  readonly maxReconnectDelayInMs?: number;
  /** How long one connect attempt may take, in ms. Default `5_000`. */
  readonly connectTimeoutInMs?: number;
  /**
   * How long a command may wait for its reply, in ms, so that a Redis that hangs (rather than refuses) cannot hold up
   * a flush or a shutdown. Default `2_000`.
   */
  readonly commandTimeoutInMs?: number;
  /** Names this process in published changes, so that it skips its own. Default: a random UUID. */
  readonly instanceId?: string;
  /** Clock in ms since the epoch. Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * Two connections to one Redis: `commands` for reads and writes, and a subscriber for pub/sub (a subscribed
 * connection can run nothing else). Both reconnect on their own with a capped back-off; `up` means both are ready.
 */
export interface RedisConnection {
  readonly keyPrefix: string;
  readonly instanceId: string;
  /** `host:port` of the server, for logs. */
  readonly address: string;
  /**
   * The command connection. It has no offline queue: while Redis is down a command rejects at once instead of
   * waiting, so that nothing that writes through it ever holds a request up.
   */
  readonly commands: Redis;
  /** `keyPrefix` + `name`. */
  key(name: string): string;
  status(): StateStoreStatus;
  /** Called on every change to up (a connect or reconnect); returns a function that unsubscribes. */
  onUp(listener: () => void): () => void;
  /** Called on every change to down, and once when the first connect fails; returns an unsubscribe function. */
  onDown(listener: (lastError: string | null) => void): () => void;
  /** Delivers the messages of `key(channel)` to `listener`; kept across reconnects. */
  subscribe(channel: string, listener: (message: string) => void): void;
  /**
   * Counts writes that failed or were dropped (Redis down at flush time, an error reply, a full queue of pending
   * writes). The local replica kept the change either way.
   */
  countWriteFailures(count: number): void;
  /** Writes failed or dropped since the connection was created, for the `ccb_state_store_write_failures_total` metric. */
  writeFailures(): number;
  /** Disconnects both connections; no event follows. */
  close(): Promise<void>;
}

const defaultMaxReconnectDelayInMs = 5_000;
const defaultConnectTimeoutInMs = 5_000;

/**
 * Connects (in the background: this returns at once, and `onUp` tells when Redis is there).
 * @throws {StateStoreError} `CCB_STATE_INVALID_OPTIONS` for a URL that is not `redis://` or `rediss://`.
 */
export function createRedisConnection(options: RedisConnectionOptions): RedisConnection {
  if (!/^rediss?:\/\//.test(options.url)) {
    throw new StateStoreError(
      'CCB_STATE_INVALID_OPTIONS',
      'createRedisConnection: url must be a redis:// or rediss:// URL.',
    );
  }
  const now = options.now ?? Date.now;
  const keyPrefix = options.keyPrefix ?? 'ccb:';
  const maxDelayInMs = options.maxReconnectDelayInMs ?? defaultMaxReconnectDelayInMs;
  const secrets = secretsOf(options.url);
  const redisOptions = {
    connectTimeout: options.connectTimeoutInMs ?? defaultConnectTimeoutInMs,
    retryStrategy: (attempt: number) => Math.min(50 * 2 ** Math.min(attempt, 16), maxDelayInMs),
    maxRetriesPerRequest: 1,
    // Never reconnect-and-retry a command on a READONLY or other error reply: the replica handles failure.
    reconnectOnError: () => false,
  };
  const commands = new Redis(options.url, {
    ...redisOptions,
    enableOfflineQueue: false,
    commandTimeout: options.commandTimeoutInMs ?? 2_000,
  });
  const subscriber = new Redis(options.url, { ...redisOptions, autoResubscribe: true });
  const listeners = new Map<string, (message: string) => void>();
  const upListeners = new Set<() => void>();
  const downListeners = new Set<(lastError: string | null) => void>();
  let commandsReady = false;
  let subscriberReady = false;
  let state: 'connecting' | 'up' | 'down' = 'connecting';
  let since = now();
  let lastError: string | null = null;
  let closed = false;
  let failedWrites = 0;

  function update(): void {
    if (closed) return;
    const up = commandsReady && subscriberReady;
    if (up && state !== 'up') {
      state = 'up';
      since = now();
      for (const listener of upListeners) safely(() => listener());
    } else if (!up && state === 'up') {
      state = 'down';
      since = now();
      for (const listener of downListeners) safely(() => listener(lastError));
    }
  }

  function failedBeforeUp(): void {
    if (closed || state !== 'connecting') return;
    state = 'down';
    since = now();
    for (const listener of downListeners) safely(() => listener(lastError));
  }

  const onError = (error: Error) => {
    lastError = scrubSecrets(error.message, secrets);
    failedBeforeUp();
  };
  commands.on('error', onError);
  subscriber.on('error', onError);
  commands.on('ready', () => {
    commandsReady = true;
    update();
  });
  subscriber.on('ready', () => {
    // ioredis emits 'ready' before it sends the re-subscriptions of a reconnect. A PING queued after them is answered
    // once Redis has processed them, so a store that reloads on `up` has subscribed first: whatever a peer writes
    // afterwards reaches it as a message, and whatever it wrote before, the reload reads.
    process.nextTick(() => {
      subscriber.ping().then(
        () => {
          subscriberReady = true;
          update();
        },
        () => {},
      );
    });
  });
  commands.on('close', () => {
    commandsReady = false;
    update();
    failedBeforeUp();
  });
  subscriber.on('close', () => {
    subscriberReady = false;
    update();
    failedBeforeUp();
  });
  subscriber.on('message', (channel: string, message: string) => {
    const listener = listeners.get(channel);
    if (listener !== undefined) safely(() => listener(message));
  });

  return {
    keyPrefix,
    instanceId: options.instanceId ?? randomUUID(),
    address: redisAddress(options.url),
    commands,
    key: (name) => `${keyPrefix}${name}`,
    status: () => ({ up: state === 'up', since, lastError }),
    onUp(listener) {
      upListeners.add(listener);
      return () => upListeners.delete(listener);
    },
    onDown(listener) {
      downListeners.add(listener);
      return () => downListeners.delete(listener);
    },
    subscribe(channel, listener) {
      if (closed) throw new StateStoreError('CCB_STATE_CLOSED', 'The Redis connection was closed.');
      const name = `${keyPrefix}${channel}`;
      listeners.set(name, listener);
      // Queued until the subscriber is ready; ioredis subscribes again after every reconnect.
      subscriber.subscribe(name).catch(() => {});
    },
    countWriteFailures(count) {
      failedWrites += count;
    },
    writeFailures: () => failedWrites,
    async close() {
      if (closed) return;
      closed = true;
      upListeners.clear();
      downListeners.clear();
      commands.disconnect();
      subscriber.disconnect();
    },
  };
}

function safely(call: () => void): void {
  // A listener bug must not break the connection's bookkeeping.
  try {
    call();
  } catch {}
}

/** The URL and its password, decoded and not: what an error message must never repeat. */
function secretsOf(url: string): string[] {
  const secrets = [url];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return secrets;
  }
  if (parsed.username !== '') secrets.push(`${parsed.username}:`);
  if (parsed.password === '') return secrets;
  // The raw spelling first: a password such as `50%off` does not decode, and must still be scrubbed as written.
  secrets.push(parsed.password);
  try {
    secrets.push(decodeURIComponent(parsed.password));
  } catch {}
  return secrets;
}
