import { createBudgetReplica } from './_budget-replica.js';
import { raiseScript, reserveScript, settleScript } from './_budget-scripts.js';
import type {
  RedisBudgetAmount,
  RedisBudgetHold,
  RedisBudgetReserveResult,
  RedisBudgetTotals,
} from './budget-amounts.js';
import type { RedisConnection } from './redis-connection.js';
import { StateStoreError } from './state-store-error.js';

export type {
  RedisBudgetAmount,
  RedisBudgetHold,
  RedisBudgetReserveResult,
  RedisBudgetTotals,
} from './budget-amounts.js';

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
  /**
   * Raises each window's settled spend to at least `amounts` (never lowers it), in one script: the spend a ledger
   * holds, for a Redis that restarted empty. Resolves once Redis answered; does nothing while it is down (call it
   * again when it is back). Never rejects: a failure is reported through `onError`.
   */
  raiseTo(amounts: readonly RedisBudgetAmount[]): Promise<void>;
  /**
   * Calls `listener` when this instance first reaches Redis and whenever Redis restarted (its run id changed): the
   * moments its counters may be gone, to be refilled from the ledger with {@link raiseTo}. Called at once when the
   * first has happened already. After a restart, what this instance counted while Redis was away is then not replayed
   * (the ledger the listener reads holds it; without a listener it is); after a mere reconnect it is, and the listener
   * is not called. Returns an unsubscribe.
   */
  onCountersMayBeLost(listener: () => void): () => void;
  /** Reservations decided from the replica because Redis was down or too slow, since creation (a metric). */
  localDecisions(): number;
  /** Waits for the writes in flight (settlements, the replay after an outage). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** How long a window's keys outlive it: instances whose clocks lag a little still find their counters. */
export const keyGraceInMs = 3_600_000;

interface LocalReservation {
  readonly expiresAtInMs: number;
  readonly holds: readonly RedisBudgetHold[];
  /** Granted by Redis, or decided on this replica (Redis away or late), which then holds it until it expires. */
  readonly shared: boolean;
  /**
   * Whether Redis may hold it: granted there, or its script was sent and did not answer (late, or the connection
   * broke). Only such a reservation needs its release written once Redis is back.
   */
  readonly sentToRedis: boolean;
}

/** A release that could not reach Redis; past `expiresAtInMs` Redis has freed the reservation itself. */
interface PendingRelease {
  readonly holds: readonly RedisBudgetAmount[];
  readonly expiresAtInMs: number;
}

/**
 * Most releases kept while Redis is away; past it the oldest goes (Redis frees it when it expires: the budget is
 * held a little longer, never lost).
 */
const maxPendingReleases = 10_000;
/** Releases written per pipeline when Redis is back. */
const releaseBatch = 500;

type BudgetCommands = {
  ccbBudgetReserve(...args: (string | number)[]): Promise<unknown[]>;
  ccbBudgetSettle(...args: (string | number)[]): Promise<unknown[]>;
  ccbBudgetRaise(...args: (string | number)[]): Promise<unknown[]>;
};

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
  connection.commands.defineCommand('ccbBudgetRaise', { lua: raiseScript });
  const channel = connection.key('budget');
  const hashPrefix = connection.key('budget:');
  const replica = createBudgetReplica(hashPrefix);
  // Insertion order = expiry order: every reservation of one `createBudgets` has the same time to live.
  const reservations = new Map<string, LocalReservation>();
  // Spend counted while Redis was away, per hash, written when it is back.
  const unsent = new Map<string, RedisBudgetAmount>();
  // Reservations taken in Redis whose release could not reach it: released when it is back, not left to expire.
  const unreleased = new Map<string, PendingRelease>();
  // The latest clock a caller gave (`reserve`'s `nowInMs`): a pending release older than it has expired in Redis.
  let lastNowInMs = Number.NEGATIVE_INFINITY;
  const inFlight = new Set<Promise<unknown>>();
  let decidedLocally = 0;
  let outage = false;
  let closed = false;

  function hashOf(amount: { counter: string; windowStartInMs: number }): string {
    return `${hashPrefix}${amount.counter}:${amount.windowStartInMs}`;
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
      if (!reservation.shared) replica.release(reservation.holds);
    }
  }

  /** The same rule as the script's, on the replica: a window at or over a limit refuses. */
  function decideLocally(
    id: string,
    holds: readonly RedisBudgetHold[],
    expiresAtInMs: number,
    sentToRedis: boolean,
  ) {
    decidedLocally++;
    // A reservation Redis never took is a write dropped: it shows in ccb_state_store_write_failures_total.
    connection.countWriteFailures(1);
    const refusedHold = holds.findIndex((hold) => replica.usedUp(hold));
    if (refusedHold !== -1) return { granted: false as const, refusedHold };
    replica.reserve(holds);
    reservations.set(id, { expiresAtInMs, holds, shared: false, sentToRedis });
    return granted;
  }

  /** Keeps a release for when Redis is back, only for a reservation Redis may hold and has not expired. */
  function keepUnreleased(
    id: string | undefined,
    holds: readonly RedisBudgetAmount[],
    reservation: Pick<LocalReservation, 'expiresAtInMs' | 'sentToRedis'> | undefined,
  ): void {
    if (id === undefined || holds.length === 0 || reservation === undefined || !reservation.sentToRedis)
      return;
    if (reservation.expiresAtInMs <= lastNowInMs) return;
    unreleased.delete(id);
    unreleased.set(id, { holds, expiresAtInMs: reservation.expiresAtInMs });
    while (unreleased.size > maxPendingReleases) {
      const oldest = unreleased.keys().next();
      if (oldest.done === true) break;
      unreleased.delete(oldest.value);
    }
  }

  function settleArguments(
    id: string | undefined,
    holds: readonly RedisBudgetAmount[],
    spend: readonly RedisBudgetAmount[],
  ): (string | number)[] {
    const keys = [...holds.flatMap(reserveKeys), ...spend.map(hashOf)];
    const args: (string | number)[] = [id ?? '', holds.length, channel];
    for (const amount of spend) args.push(amount.costUsd, amount.tokens, amount.windowEndInMs + keyGraceInMs);
    return [keys.length, ...keys, ...args];
  }

  function sendSettle(
    id: string | undefined,
    holds: readonly RedisBudgetAmount[],
    spend: readonly RedisBudgetAmount[],
    reservation: Pick<LocalReservation, 'expiresAtInMs' | 'sentToRedis'> | undefined,
  ) {
    return track(
      commands.ccbBudgetSettle(...settleArguments(id, holds, spend)).then(
        (reply) => {
          answered();
          replica.apply(reply);
        },
        (error: unknown) => {
          connection.countWriteFailures(1);
          failed(error, 'a settlement');
          keepUnsent(spend);
          keepUnreleased(id, holds, reservation);
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
    const releases = [...unreleased].filter(([, release]) => release.expiresAtInMs > lastNowInMs);
    unreleased.clear();
    for (let start = 0; start < releases.length; start += releaseBatch) {
      void replayReleases(releases.slice(start, start + releaseBatch));
    }
    if (unsent.size === 0) return;
    const spend = [...unsent.values()];
    unsent.clear();
    void sendSettle(undefined, [], spend, undefined);
  }

  /** One pipeline of release scripts: one round trip per batch, not one per reservation. */
  function replayReleases(releases: readonly (readonly [string, PendingRelease])[]): Promise<void> {
    const pipeline = commands.pipeline() as unknown as BudgetCommands & {
      exec(): Promise<[Error | null, unknown][] | null>;
    };
    for (const [id, release] of releases)
      void pipeline.ccbBudgetSettle(...settleArguments(id, release.holds, []));
    const failedAll = (error: unknown) => releases.map((): [Error | null, unknown] => [error as Error, null]);
    return track(
      pipeline
        .exec()
        .then(
          (results) => results ?? failedAll(new Error('no reply')),
          (error: unknown) => failedAll(error),
        )
        .then((results) => {
          releases.forEach(([id, release], index) => {
            const [error, reply] = results[index] ?? [new Error('no reply'), null];
            if (error === null) {
              answered();
              replica.apply(reply as unknown[]);
              return;
            }
            connection.countWriteFailures(1);
            failed(error, 'a release');
            keepUnreleased(id, release.holds, { expiresAtInMs: release.expiresAtInMs, sentToRedis: true });
          });
        }),
    );
  }

  connection.subscribe('budget', (message) => {
    try {
      if (replica.apply(JSON.parse(message) as unknown[])) options.onRemoteChange?.();
    } catch {}
  });
  // Redis's run id: a new one after a reconnect means it restarted, with no counters unless it persists them.
  let runId: string | undefined;
  let counterLossSeen = false;
  const counterLossListeners = new Set<() => void>();
  /** On each (re)connect: did Redis restart? Then its counters may be gone; else replay what it missed. */
  function reconnected(): void {
    void track(
      connection.commands
        .info('server')
        .then(readRunId, () => undefined)
        .then((current) => {
          const restarted = runId !== undefined && current !== runId;
          if (current !== undefined) runId = current;
          if (restarted && counterLossListeners.size > 0) {
            // What this instance counted while Redis was away is in the ledger its listener refills the counters
            // from (`raiseTo`); replayed as well, another instance's raise could count it twice. Reservations died
            // with the old Redis.
            unsent.clear();
            unreleased.clear();
          } else replayUnsent();
          if (!restarted && counterLossSeen) return;
          counterLossSeen = true;
          for (const listener of counterLossListeners) listener();
        }),
    );
  }
  const unsubscribeUp = connection.onUp(() => {
    // A Redis that restarted counts versions from zero again: whatever it answers next is the truth.
    replica.forgetVersions();
    reconnected();
  });
  if (connection.status().up) reconnected();

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
      replica.add(amount);
      if (connection.status().up) void sendSettle(undefined, [], [amount], undefined);
      else keepUnsent([amount]);
    },
    read: (counter, windowStartInMs) => replica.read(counter, windowStartInMs),
    reserve({ id, holds, nowInMs, expiresAtInMs }) {
      releaseExpired(nowInMs);
      lastNowInMs = Math.max(lastNowInMs, nowInMs);
      if (closed) return decideLocally(id, holds, expiresAtInMs, false);
      if (!connection.status().up) {
        // Known down: no error built per request (reported once per outage anyway).
        if (!outage) failed(new Error(connection.status().lastError ?? 'not connected'), 'a reservation');
        return decideLocally(id, holds, expiresAtInMs, false);
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
      replica.ask(holds, 1);
      const decided = track(commands.ccbBudgetReserve(keys.length, ...keys, ...args));
      return Promise.race([decided, timedOut]).then(
        (reply): RedisBudgetReserveResult => {
          clearTimeout(timer);
          replica.ask(holds, -1);
          if (reply === 'timeout') {
            failed(new Error(`no answer within ${reserveTimeoutInMs} ms`), 'a reservation');
            // The script may still run: the settlement releases what it took, or it expires.
            return decideLocally(id, holds, expiresAtInMs, true);
          }
          answered();
          replica.apply(reply);
          const refusedHold = Number(reply[0]);
          if (refusedHold >= 0) return { granted: false, refusedHold };
          reservations.set(id, { expiresAtInMs, holds, shared: true, sentToRedis: true });
          return granted;
        },
        (error: unknown) => {
          clearTimeout(timer);
          replica.ask(holds, -1);
          failed(error, 'a reservation');
          // Sent: the connection may have broken after Redis ran it.
          return decideLocally(id, holds, expiresAtInMs, true);
        },
      );
    },
    settle({ id, holds, spend }) {
      const reservation = id === undefined ? undefined : reservations.get(id);
      if (id !== undefined) reservations.delete(id);
      // The replica counts at once, so that this instance's next check sees it; Redis's reply then replaces it.
      if (reservation !== undefined) replica.release(reservation.holds);
      for (const amount of spend) replica.add(amount);
      if (closed) return;
      if (!connection.status().up) {
        if (!outage) failed(new Error(connection.status().lastError ?? 'not connected'), 'a settlement');
        keepUnsent(spend);
        keepUnreleased(id, holds, reservation);
        return;
      }
      // Also for a reservation decided locally: a script that answered too late may have taken it in Redis.
      void sendSettle(id, holds, spend, reservation);
    },
    raiseTo(amounts) {
      if (closed || amounts.length === 0 || !connection.status().up) return Promise.resolve();
      const keys = amounts.map(hashOf);
      const args: (string | number)[] = [channel];
      for (const amount of amounts)
        args.push(amount.costUsd, amount.tokens, amount.windowEndInMs + keyGraceInMs);
      return track(
        commands.ccbBudgetRaise(keys.length, ...keys, ...args).then(
          (reply) => {
            answered();
            if (replica.apply(reply)) options.onRemoteChange?.();
          },
          (error: unknown) => failed(error, 'restoring spend from the ledger'),
        ),
      );
    },
    onCountersMayBeLost(listener) {
      counterLossListeners.add(listener);
      if (counterLossSeen) listener();
      return () => counterLossListeners.delete(listener);
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

/** `run_id` of an `INFO server` reply. */
function readRunId(info: string): string | undefined {
  return /^run_id:([0-9a-f]+)\r?$/m.exec(info)?.[1];
}
