import type { Redis } from 'ioredis';
import { decodeEntry, mergeScript, type SharedEntry, supersedes } from './_shared-entry.js';
import { createWriteBehind } from './_write-behind.js';
import type { RedisConnection } from './redis-connection.js';
import { StateStoreError } from './state-store-error.js';

/** Options of {@link createReplicatedHash}. */
export interface ReplicatedHashOptions {
  readonly connection: RedisConnection;
  /** The hash's key and channel, under the connection's prefix (e.g. `health`). */
  readonly name: string;
  /** Called when a peer's value (published, loaded, or the one that beat a local write) replaces the local one. */
  readonly onApply: (field: string, entry: SharedEntry) => void;
  readonly now: () => number;
  /** How long a change waits for others to share its batch, in ms. Default `10`. */
  readonly flushDelayInMs?: number;
  /** A failed write or load; the replica keeps serving. */
  readonly onError?: (error: StateStoreError) => void;
}

/**
 * A Redis hash mirrored in memory. Local changes are stamped, kept, and written in batches (one pipeline of merge
 * scripts); peers' changes arrive by pub/sub and replace local values they {@link supersedes}. On every (re)connect
 * the whole hash is loaded and every change made while Redis was away is written: state converges without a
 * restart. Reads never touch Redis.
 */
export interface ReplicatedHash {
  entry(field: string): SharedEntry | undefined;
  /** Records a local change and queues its write; returns the stamped entry. */
  put(field: string, until: number | null, payload: string): SharedEntry;
  /** Writes what is queued now (tests, shutdown). Never rejects. */
  flush(): Promise<void>;
  close(): void;
}

interface MergeCapable extends Redis {
  ccbMergeField(
    key: string,
    field: string,
    stamp: string,
    until: string,
    payload: string,
    channel: string,
    origin: string,
  ): Promise<string | null>;
}

/** Creates the replica and subscribes to its channel; it loads the hash whenever the connection comes up. */
export function createReplicatedHash(options: ReplicatedHashOptions): ReplicatedHash {
  const { connection, name, onApply, now } = options;
  const key = connection.key(name);
  const entries = new Map<string, SharedEntry>();
  const commands = connection.commands as MergeCapable;
  if (typeof commands.ccbMergeField !== 'function') {
    commands.defineCommand('ccbMergeField', { numberOfKeys: 1, lua: mergeScript });
  }
  const writes = createWriteBehind<SharedEntry>({
    connection,
    flushDelayInMs: options.flushDelayInMs ?? 10,
    current: (field) => entries.get(field),
    send(pipeline, field, entry) {
      void (pipeline as unknown as MergeCapable).ccbMergeField(
        key,
        field,
        String(entry.stamp),
        String(entry.until ?? -1),
        entry.payload,
        key,
        connection.instanceId,
      );
      return true;
    },
    // Redis orders all writes, so the value it kept stands even where the local stamp is newer.
    adopt: (field, reply) => adopt(field, reply, true),
    describe: `writing ${key}`,
    onError: options.onError,
  });

  /**
   * Takes a peer's value when it wins; `force` for the value Redis kept over a local write.
   */
  function adopt(field: string, text: string, force = false): void {
    const incoming = decodeEntry(text);
    if (incoming === undefined || (!force && !supersedes(entries.get(field), incoming))) return;
    entries.set(field, incoming);
    // A local change it beat needs no write any more: Redis holds something newer.
    writes.unmark(field);
    try {
      onApply(field, incoming);
    } catch {}
  }

  async function load(): Promise<void> {
    try {
      const all = await connection.commands.hgetall(key);
      for (const [field, text] of Object.entries(all)) adopt(field, text);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      options.onError?.(
        new StateStoreError('CCB_STATE_LOAD_FAILED', `loading ${key} failed: ${message}`, { cause: error }),
      );
    }
    await writes.flush();
  }

  connection.subscribe(name, (message) => {
    let parsed: { o?: unknown; f?: unknown; v?: unknown };
    try {
      parsed = JSON.parse(message) as typeof parsed;
    } catch {
      return;
    }
    if (parsed.o === connection.instanceId) return;
    if (typeof parsed.f === 'string' && typeof parsed.v === 'string') adopt(parsed.f, parsed.v);
  });
  const offUp = connection.onUp(() => void load());
  if (connection.status().up) void load();

  return {
    entry: (field) => entries.get(field),
    put(field, until, payload) {
      const previous = entries.get(field);
      const stamp = Math.max(now(), previous === undefined ? 0 : previous.stamp + 1);
      const entry: SharedEntry = { stamp, until, payload };
      entries.set(field, entry);
      writes.mark(field);
      return entry;
    },
    flush: writes.flush,
    close() {
      offUp();
      writes.close();
    },
  };
}
