import type { Redis } from 'ioredis';
import { decodeEntry, mergeScript, type SharedEntry, supersedes } from './_shared-entry.js';
import { createWriteBackOff } from './_write-back-off.js';
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
  const flushDelayInMs = options.flushDelayInMs ?? 10;
  const backOff = createWriteBackOff(flushDelayInMs);
  const key = connection.key(name);
  const entries = new Map<string, SharedEntry>();
  const dirty = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> | undefined;
  let closed = false;
  const commands = connection.commands as MergeCapable;
  if (typeof commands.ccbMergeField !== 'function') {
    commands.defineCommand('ccbMergeField', { numberOfKeys: 1, lua: mergeScript });
  }

  function reportError(code: 'CCB_STATE_WRITE_FAILED' | 'CCB_STATE_LOAD_FAILED', cause: unknown) {
    const what = code === 'CCB_STATE_WRITE_FAILED' ? 'writing' : 'loading';
    const message = cause instanceof Error ? cause.message : String(cause);
    options.onError?.(new StateStoreError(code, `${what} ${key} failed: ${message}`, { cause }));
  }

  /**
   * Takes a peer's value when it wins; `force` for the value Redis kept over a local write (Redis orders all
   * writes, so its answer stands even where the local stamp is newer).
   */
  function adopt(field: string, text: string, force = false): void {
    const incoming = decodeEntry(text);
    if (incoming === undefined || (!force && !supersedes(entries.get(field), incoming))) return;
    entries.set(field, incoming);
    // A local change it beat needs no write any more: Redis holds something newer.
    dirty.delete(field);
    try {
      onApply(field, incoming);
    } catch {}
  }

  function schedule(): void {
    if (timer !== undefined || closed || !connection.status().up) return;
    timer = setTimeout(() => {
      timer = undefined;
      void flush();
    }, backOff.delayInMs());
    timer.unref();
  }

  async function writeBatch(): Promise<void> {
    if (dirty.size === 0 || !connection.status().up) return;
    const fields = [...dirty];
    dirty.clear();
    const pipeline = commands.pipeline() as unknown as MergeCapable & {
      exec(): Promise<[Error | null, unknown][] | null>;
    };
    const written: SharedEntry[] = [];
    for (const field of fields) {
      const entry = entries.get(field) as SharedEntry;
      written.push(entry);
      void pipeline.ccbMergeField(
        key,
        field,
        String(entry.stamp),
        String(entry.until ?? -1),
        entry.payload,
        connection.key(name),
        connection.instanceId,
      );
    }
    let results: [Error | null, unknown][] | null;
    try {
      results = await pipeline.exec();
    } catch (error) {
      results = fields.map(() => [error as Error, null]);
    }
    let failures = 0;
    let firstError: unknown;
    fields.forEach((field, index) => {
      const [error, reply] = results?.[index] ?? [new Error('no reply'), null];
      if (error !== null) {
        failures += 1;
        firstError ??= error;
        // Written again on the next flush or reconnect, unless a newer change or a peer's value replaced it.
        if (entries.get(field) === written[index]) dirty.add(field);
      } else if (typeof reply === 'string' && entries.get(field) === written[index])
        adopt(field, reply, true);
    });
    if (failures === 0) {
      backOff.succeeded();
      return;
    }
    backOff.failed();
    connection.countWriteFailures(failures);
    reportError('CCB_STATE_WRITE_FAILED', firstError);
  }

  function flush(): Promise<void> {
    if (flushing !== undefined) return flushing.then(() => flush());
    flushing = writeBatch().finally(() => {
      flushing = undefined;
      if (dirty.size > 0) schedule();
    });
    return flushing;
  }

  async function load(): Promise<void> {
    try {
      const all = await connection.commands.hgetall(key);
      for (const [field, text] of Object.entries(all)) adopt(field, text);
    } catch (error) {
      reportError('CCB_STATE_LOAD_FAILED', error);
    }
    await flush();
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
      dirty.add(field);
      // Counted as a failed write while Redis is away: it is kept, and written when Redis is back.
      if (!connection.status().up) connection.countWriteFailures(1);
      schedule();
      return entry;
    },
    flush,
    close() {
      closed = true;
      offUp();
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
