import { reserveScript, settleScript } from './_budget-scripts.js';
import type { RedisConnection } from './redis-connection.js';
import { StateStoreError } from './state-store-error.js';

/** Totals of one counter's window: settled spend and what reservations hold (USD and tokens). */
export interface RedisBudgetTotals {
  readonly costUsd: number;
  readonly tokens: number;
  readonly reservedCostUsd: number;
  readonly reservedTokens: number;
}

/** An amount on one counter's window (the shape `@ccb/ledger`'s budget store takes). */
export interface RedisBudgetAmount {
  readonly counter: string;
  readonly windowStartInMs: number;
  /** The Redis keys of the window expire after it (plus {@link keyGraceInMs}). */
  readonly windowEndInMs: number;
  readonly costUsd: number;
  readonly tokens: number;
}

/** One line of a reservation, with the limits its window must be under. */
export interface RedisBudgetHold extends RedisBudgetAmount {
  readonly limitUsd?: number | undefined;
  readonly limitTokens?: number | undefined;
}

export type RedisBudgetReserveResult =
  | { readonly granted: true }
  | { readonly granted: false; readonly refusedHold: number };

/** Options of {@link createRedisBudgetStore}. */
export interface RedisBudgetStoreOptions {
  readonly connection: RedisConnection;
  /**
   * Longest wait for Redis to decide a reservation, in ms; past it (and while Redis is down) this instance decides
   * from its replica, and the request goes on. Default `250`.
   */
  readonly reserveTimeoutInMs?: number;
  /** Redis failed or was too slow: reported once per outage (the next after Redis answered again). */
  readonly onError?: (error: StateStoreError) => void;
  /** Another instance changed a counter this replica holds (a spend, a reservation): e.g. to bench a provider. */
  readonly onRemoteChange?: () => void;
}

/**
 * Budget counters shared by every instance through Redis, satisfying `@ccb/ledger`'s `BudgetStore`: reservations
 * and settlements are single Lua scripts (atomic across instances); reads come from a local replica that every
 * script's reply and every peer's publication refresh, so a check never waits for Redis. Fail-open: while Redis
 * is down or slow, reservations are decided from the replica and spend is counted locally and written once Redis is
 * back, so nothing is lost and budgets converge.
 */
export interface RedisBudgetStore {
  add(counter: string, windowStartInMs: number, costUsd: number, tokens: number): void;
  read(counter: string, windowStartInMs: number): RedisBudgetTotals;
  reserve(request: {
    readonly id: string;
    readonly holds: readonly RedisBudgetHold[];
    readonly nowInMs: number;
    readonly expiresAtInMs: number;
  }): RedisBudgetReserveResult | Promise<RedisBudgetReserveResult>;
  settle(request: {
    readonly id: string | undefined;
    readonly holds: readonly RedisBudgetAmount[];
    readonly spend: readonly RedisBudgetAmount[];
  }): void;
  /** Reservations decided from the replica because Redis was down or too slow, since creation (a metric). */
  localDecisions(): number;
  /** Waits for the writes in flight (settlements, the replay after an outage). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** How long a window's keys outlive it: instances whose clocks lag a little still find their counters. */
export const keyGraceInMs = 3_600_000;

interface Replica {
  windowStartInMs: number;
  version: number;
  costUsd: number;
  tokens: number;
  reservedCostUsd: number;
  reservedTokens: number;
}

interface LocalReservation {
  readonly expiresAtInMs: number;
  readonly holds: readonly RedisBudgetHold[];
  /** Granted by Redis, or decided on this replica (Redis away or late), which then holds it until it expires. */
  readonly shared: boolean;
}

type BudgetCommands = {
  ccbBudgetReserve(...args: (string | number)[]): Promise<unknown[]>;
  ccbBudgetSettle(...args: (string | number)[]): Promise<unknown[]>;
};

const zero: RedisBudgetTotals = Object.freeze({
  costUsd: 0,
  tokens: 0,
  reservedCostUsd: 0,
  reservedTokens: 0,
});
const granted: RedisBudgetReserveResult = Object.freeze({ granted: true });

export function createRedisBudgetStore(options: RedisBudgetStoreOptions): RedisBudgetStore {
  const { connection } = options;
  const reserveTimeoutInMs = options.reserveTimeoutInMs ?? 250;
  if (!Number.isFinite(reserveTimeoutInMs) || reserveTimeoutInMs < 0) {
    throw new StateStoreError(
      'CCB_STATE_INVALID_OPTIONS',
      `createRedisBudgetStore: reserveTimeoutInMs must be a number ≥ 0, got ${String(reserveTimeoutInMs)}.`,
    );
  }
  const commands = connection.commands as unknown as typeof connection.commands & BudgetCommands;
  const reserveKeys = (hold: RedisBudgetAmount) => [hashOf(hold), `${hashOf(hold)}:r`];
  connection.commands.defineCommand('ccbBudgetReserve', { lua: reserveScript });
  connection.commands.defineCommand('ccbBudgetSettle', { lua: settleScript });
  const channel = connection.key('budget');
  const hashPrefix = connection.key('budget:');
  const replicas = new Map<string, Replica>();
  // Insertion order = expiry order: every reservation of one `createBudgets` has the same time to live.
  const reservations = new Map<string, LocalReservation>();
  // Spend counted while Redis was away, per hash, written when it is back.
  const unsent = new Map<string, RedisBudgetAmount>();
  // Reservations taken in Redis whose release could not reach it: released when it is back, not left to expire.
  const unreleased = new Map<string, readonly RedisBudgetAmount[]>();
  const inFlight = new Set<Promise<unknown>>();
  // Reservations sent and not answered yet, per counter and window: this replica counts them as reserved meanwhile,
  // so a burst of this instance's requests sees its own reservations before Redis answers.
  const asking = new Map<string, { costUsd: number; tokens: number; count: number }>();
  let decidedLocally = 0;
  let outage = false;
  let closed = false;

  function hashOf(amount: { counter: string; windowStartInMs: number }): string {
    return `${hashPrefix}${amount.counter}:${amount.windowStartInMs}`;
  }

  function replicaFor(counter: string, windowStartInMs: number): Replica | undefined {
    const current = replicas.get(counter);
    if (current === undefined || windowStartInMs > current.windowStartInMs) {
      const fresh = {
        windowStartInMs,
        version: 0,
        costUsd: 0,
        tokens: 0,
        reservedCostUsd: 0,
        reservedTokens: 0,
      };
      replicas.set(counter, fresh);
      return fresh;
    }
    return current.windowStartInMs === windowStartInMs ? current : undefined;
  }

  /** Takes the totals of a script's reply or a peer's publication: newer versions replace the replica's. */
  function apply(reply: readonly unknown[]): boolean {
    let changed = false;
    for (let index = 1; index + 5 < reply.length; index += 6) {
      const hash = String(reply[index]);
      if (!hash.startsWith(hashPrefix)) continue;
      const name = hash.slice(hashPrefix.length);
      const separator = name.lastIndexOf(':');
      const replica = replicaFor(name.slice(0, separator), Number(name.slice(separator + 1)));
      const version = Number(reply[index + 5]);
      if (replica === undefined || version < replica.version) continue;
      replica.version = version;
      replica.costUsd = Number(reply[index + 1]);
      replica.tokens = Number(reply[index + 2]);
      replica.reservedCostUsd = Number(reply[index + 3]);
      replica.reservedTokens = Number(reply[index + 4]);
      changed = true;
    }
    return changed;
  }

  function failed(error: unknown, what: string): void {
    if (outage || closed) return;
    outage = true;
    const message = error instanceof Error ? error.message : String(error);
    options.onError?.(
      new StateStoreError(
        'CCB_STATE_WRITE_FAILED',
        `budgets: ${what} at Redis ${connection.address} failed (${message}); counting on this instance until it answers again`,
        { cause: error },
      ),
    );
  }

  function answered(): void {
    if (!outage) return;
    outage = false;
    replayUnsent();
  }

  function track<T>(promise: Promise<T>): Promise<T> {
    inFlight.add(promise);
    const forget = () => inFlight.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  function releaseExpired(nowInMs: number): void {
    for (const [id, reservation] of reservations) {
      if (reservation.expiresAtInMs > nowInMs) return;
      reservations.delete(id);
      if (!reservation.shared) releaseLocally(reservation.holds);
    }
  }

  function releaseLocally(holds: readonly RedisBudgetAmount[]): void {
    for (const hold of holds) {
      const replica = replicas.get(hold.counter);
      if (replica === undefined || replica.windowStartInMs !== hold.windowStartInMs) continue;
      replica.reservedCostUsd = Math.max(0, replica.reservedCostUsd - hold.costUsd);
      replica.reservedTokens = Math.max(0, replica.reservedTokens - hold.tokens);
    }
  }

  function addLocally(amount: RedisBudgetAmount): void {
    const replica = replicaFor(amount.counter, amount.windowStartInMs);
    if (replica === undefined) return;
    replica.costUsd += amount.costUsd;
    replica.tokens += amount.tokens;
  }

  /** The same rule as the script's, on the replica: a window at or over a limit refuses. */
  function decideLocally(id: string, holds: readonly RedisBudgetHold[], expiresAtInMs: number) {
    decidedLocally++;
    // A reservation Redis never took is a write dropped: it shows in ccb_state_store_write_failures_total.
    connection.countWriteFailures(1);
    const refusedHold = holds.findIndex((hold) => {
      const totals = read(hold.counter, hold.windowStartInMs);
      return (
        (hold.limitUsd !== undefined && totals.costUsd + totals.reservedCostUsd >= hold.limitUsd) ||
        (hold.limitTokens !== undefined && totals.tokens + totals.reservedTokens >= hold.limitTokens)
      );
    });
    if (refusedHold !== -1) return { granted: false as const, refusedHold };
    for (const hold of holds) {
      const replica = replicaFor(hold.counter, hold.windowStartInMs);
      if (replica === undefined) continue;
      replica.reservedCostUsd += hold.costUsd;
      replica.reservedTokens += hold.tokens;
    }
    reservations.set(id, { expiresAtInMs, holds, shared: false });
    return granted;
  }

  function sendSettle(
    id: string | undefined,
    holds: readonly RedisBudgetAmount[],
    spend: readonly RedisBudgetAmount[],
  ) {
    const keys = [...holds.flatMap(reserveKeys), ...spend.map(hashOf)];
    const args = [id ?? '', holds.length, channel];
    for (const amount of spend) args.push(amount.costUsd, amount.tokens, amount.windowEndInMs + keyGraceInMs);
    return track(
      commands.ccbBudgetSettle(keys.length, ...keys, ...args).then(
        (reply) => {
          answered();
          apply(reply);
        },
        (error: unknown) => {
          connection.countWriteFailures(1);
          failed(error, 'a settlement');
          keepUnsent(spend);
          if (id !== undefined && holds.length > 0) unreleased.set(id, holds);
        },
      ),
    );
  }

  function keepUnsent(spend: readonly RedisBudgetAmount[]): void {
    for (const amount of spend) {
      const hash = hashOf(amount);
      const known = unsent.get(hash);
      unsent.set(
        hash,
        known === undefined
          ? amount
          : { ...known, costUsd: known.costUsd + amount.costUsd, tokens: known.tokens + amount.tokens },
      );
    }
  }

  function replayUnsent(): void {
    const releases = [...unreleased];
    unreleased.clear();
    for (const [id, holds] of releases) void sendSettle(id, holds, []);
    if (unsent.size === 0) return;
    const spend = [...unsent.values()];
    unsent.clear();
    void sendSettle(undefined, [], spend);
  }

  function read(counter: string, windowStartInMs: number): RedisBudgetTotals {
    const replica = replicas.get(counter);
    const totals = replica !== undefined && replica.windowStartInMs === windowStartInMs ? replica : zero;
    if (asking.size === 0) return totals;
    const sent = asking.get(`${counter}@${windowStartInMs}`);
    if (sent === undefined) return totals;
    return {
      costUsd: totals.costUsd,
      tokens: totals.tokens,
      reservedCostUsd: totals.reservedCostUsd + sent.costUsd,
      reservedTokens: totals.reservedTokens + sent.tokens,
    };
  }

  /** Counts (`sign` 1) or stops counting (-1) reservations sent to Redis and not answered yet. */
  function askFor(holds: readonly RedisBudgetHold[], sign: 1 | -1): void {
    for (const hold of holds) {
      const key = `${hold.counter}@${hold.windowStartInMs}`;
      const sent = asking.get(key) ?? { costUsd: 0, tokens: 0, count: 0 };
      sent.costUsd += sign * hold.costUsd;
      sent.tokens += sign * hold.tokens;
      sent.count += sign;
      if (sent.count <= 0) asking.delete(key);
      else asking.set(key, sent);
    }
  }

  connection.subscribe('budget', (message) => {
    try {
      if (apply(JSON.parse(message) as unknown[])) options.onRemoteChange?.();
    } catch {}
  });
  const unsubscribeUp = connection.onUp(() => {
    // A Redis that restarted counts versions from zero again: whatever it answers next is the truth.
    for (const replica of replicas.values()) replica.version = 0;
    replayUnsent();
  });

  return {
    add(counter, windowStartInMs, costUsd, tokens) {
      // Budgets read back from a ledger: a month is the longest window.
      const amount = {
        counter,
        windowStartInMs,
        windowEndInMs: windowStartInMs + 31 * 86_400_000,
        costUsd,
        tokens,
      };
      addLocally(amount);
      if (connection.status().up) void sendSettle(undefined, [], [amount]);
      else keepUnsent([amount]);
    },
    read,
    reserve({ id, holds, nowInMs, expiresAtInMs }) {
      releaseExpired(nowInMs);
      if (closed) return decideLocally(id, holds, expiresAtInMs);
      if (!connection.status().up) {
        failed(new Error(connection.status().lastError ?? 'not connected'), 'a reservation');
        return decideLocally(id, holds, expiresAtInMs);
      }
      const keys = holds.flatMap(reserveKeys);
      const args: (string | number)[] = [nowInMs, id, expiresAtInMs, channel];
      for (const hold of holds) {
        args.push(
          hold.costUsd,
          hold.tokens,
          hold.limitUsd ?? '',
          hold.limitTokens ?? '',
          hold.windowEndInMs + keyGraceInMs,
        );
      }
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), reserveTimeoutInMs);
        timer.unref();
      });
      askFor(holds, 1);
      const decided = track(commands.ccbBudgetReserve(keys.length, ...keys, ...args));
      return Promise.race([decided, timedOut]).then(
        (reply): RedisBudgetReserveResult => {
          clearTimeout(timer);
          askFor(holds, -1);
          if (reply === 'timeout') {
            failed(new Error(`no answer within ${reserveTimeoutInMs} ms`), 'a reservation');
            // The script may still run: the settlement releases what it took, or it expires.
            return decideLocally(id, holds, expiresAtInMs);
          }
          answered();
          apply(reply);
          const refusedHold = Number(reply[0]);
          if (refusedHold >= 0) return { granted: false, refusedHold };
          reservations.set(id, { expiresAtInMs, holds, shared: true });
          return granted;
        },
        (error: unknown) => {
          clearTimeout(timer);
          askFor(holds, -1);
          failed(error, 'a reservation');
          return decideLocally(id, holds, expiresAtInMs);
        },
      );
    },
    settle({ id, holds, spend }) {
      const reservation = id === undefined ? undefined : reservations.get(id);
      if (id !== undefined) reservations.delete(id);
      // The replica counts at once, so that this instance's next check sees it; Redis's reply then replaces it.
      if (reservation !== undefined) releaseLocally(reservation.holds);
      for (const amount of spend) addLocally(amount);
      if (closed) return;
      if (!connection.status().up) {
        failed(new Error(connection.status().lastError ?? 'not connected'), 'a settlement');
        keepUnsent(spend);
        if (id !== undefined && holds.length > 0) unreleased.set(id, holds);
        return;
      }
      // Also for a reservation decided locally: a script that answered too late may have taken it in Redis.
      void sendSettle(id, holds, spend);
    },
    localDecisions: () => decidedLocally,
    async flush() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    async close() {
      if (closed) return;
      await this.flush();
      closed = true;
      unsubscribeUp();
    },
  };
}
