import { applyVerdict, type VerdictGroup, verdictGroups, verdictOf } from './_health-verdicts.js';
import { createReplicatedHash } from './_replicated-hash.js';
import type { HealthRecordShape } from './health-record-shape.js';
import type { RedisConnection } from './redis-connection.js';
import type { StateStoreError } from './state-store-error.js';

/** Options of {@link createRedisHealthStore}. */
export interface RedisHealthStoreOptions<Record extends HealthRecordShape> {
  readonly connection: RedisConnection;
  /**
   * A fresh record for a provider first heard of from a peer: the router's `createHealthRecord` (the router owns
   * what a fresh record is; this package only reads and writes the fields of {@link HealthRecordShape}).
   */
  readonly createRecord: () => Record;
  /** Clock in ms since the epoch. Default `Date.now`. */
  readonly now?: () => number;
  /** How long a change waits for others to share its batch, in ms. Default `10`. */
  readonly flushDelayInMs?: number;
  /**
   * Least time between two shared rate-limit readings of one provider, in ms. Default `1_000`. Readings change with
   * nearly every response; a change of de-prioritization is shared at once, the numbers at most this often (the
   * latest one always, once the interval is over).
   */
  readonly readingsIntervalInMs?: number;
  /** A peer's verdict was applied to `provider`'s record (after the record changed). */
  readonly onRemoteVerdict?: (provider: string, group: VerdictGroup) => void;
  /** A failed write or load (`CCB_STATE_WRITE_FAILED`, `CCB_STATE_LOAD_FAILED`); the replica keeps serving. */
  readonly onError?: (error: StateStoreError) => void;
}

/**
 * A health store (the router's `HealthStore`, structurally) whose verdicts are shared: `get` and `set` work on a
 * local map as the memory store does; `set` also queues each shared part that changed (see `VerdictGroup`) for
 * the hash `<prefix>health`, and peers' verdicts replace the local parts they supersede (newer, and not a shorter
 * period cutting a longer running one).
 */
export interface RedisHealthStore<Record extends HealthRecordShape> {
  get(name: string): Record | undefined;
  set(name: string, record: Record): void;
  /** Forgets the local record (a provider no longer configured); the shared verdicts stay for the others. */
  delete(name: string): void;
  /** Writes what is queued now. Never rejects. */
  flush(): Promise<void>;
  /** Writes what is queued, then stops replicating. */
  close(): Promise<void>;
}

/** Creates the store; it loads the shared verdicts whenever the connection comes up. */
export function createRedisHealthStore<Record extends HealthRecordShape>(
  options: RedisHealthStoreOptions<Record>,
): RedisHealthStore<Record> {
  const now = options.now ?? Date.now;
  const createRecord = options.createRecord;
  const records = new Map<string, Record>();
  const readingsIntervalInMs = options.readingsIntervalInMs ?? 1_000;
  // Providers whose latest readings wait for the interval to end, and the de-prioritization last shared.
  const heldReadings = new Map<string, NodeJS.Timeout>();
  const sharedPressure = new Map<string, string | null>();
  const hash = createReplicatedHash({
    connection: options.connection,
    name: 'health',
    now,
    ...(options.flushDelayInMs !== undefined ? { flushDelayInMs: options.flushDelayInMs } : {}),
    ...(options.onError !== undefined ? { onError: options.onError } : {}),
    onApply(field, entry) {
      const parsed = parseField(field);
      if (parsed === undefined) return;
      const known = records.get(parsed.provider);
      const record = known ?? createRecord();
      if (!applyVerdict(parsed.group, record, entry.payload, now())) return;
      if (known === undefined) records.set(parsed.provider, record);
      if (parsed.group === 'readings') sharedPressure.set(parsed.provider, pressureOf(record));
      options.onRemoteVerdict?.(parsed.provider, parsed.group);
    },
  });

  /** Whether new readings of `name` must wait: shared less than the interval ago, with the same pressure. */
  function holdReadings(name: string, record: Record, stamp: number, nowInMs: number): boolean {
    if (nowInMs - stamp >= readingsIntervalInMs || sharedPressure.get(name) !== pressureOf(record)) {
      return false;
    }
    if (!heldReadings.has(name)) {
      const timer = setTimeout(
        () => {
          heldReadings.delete(name);
          const latest = records.get(name);
          if (latest !== undefined) share(name, latest);
        },
        stamp + readingsIntervalInMs - nowInMs,
      );
      timer.unref();
      heldReadings.set(name, timer);
    }
    return true;
  }

  function share(name: string, record: Record): void {
    const nowInMs = now();
    for (const group of verdictGroups) {
      const field = `${group}:${name}`;
      const known = hash.entry(field);
      // Checked before the payload is made: readings change with nearly every response, and most are held.
      if (group === 'readings' && known !== undefined && holdReadings(name, record, known.stamp, nowInMs)) {
        continue;
      }
      const verdict = verdictOf(group, record, known, nowInMs);
      if (verdict === undefined || verdict.payload === known?.payload) continue;
      if (group === 'readings') sharedPressure.set(name, pressureOf(record));
      hash.put(field, verdict.until, verdict.payload);
    }
  }

  return {
    get: (name) => records.get(name),
    set(name, record) {
      records.set(name, record);
      share(name, record);
    },
    delete(name) {
      records.delete(name);
    },
    flush: () => hash.flush(),
    async close() {
      for (const timer of heldReadings.values()) clearTimeout(timer);
      heldReadings.clear();
      await hash.flush();
      hash.close();
    },
  };
}

function parseField(field: string): { group: VerdictGroup; provider: string } | undefined {
  const colon = field.indexOf(':');
  const group = field.slice(0, colon) as VerdictGroup;
  if (colon < 0 || !verdictGroups.includes(group)) return undefined;
  return { group, provider: field.slice(colon + 1) };
}

/** What de-prioritization a record shares: its reason while de-prioritized, else `null`. */
function pressureOf(record: HealthRecordShape): string | null {
  return record.deprioritizedUntil === null ? null : record.deprioritizedReason;
}
