import { defineBudgetCalls } from './_budget-commands.js';
import { createBudgetReplica } from './_budget-replica.js';
import { createLocalReservations, granted } from './_budget-reservations.js';
import { createBudgetRestartWatch } from './_budget-restart-watch.js';
import { createBudgetSettlements } from './_budget-settlements.js';
import type {
  RedisBudgetAmount,
  RedisBudgetHold,
  RedisBudgetReserveResult,
  RedisBudgetTotals,
} from './budget-amounts.js';
import type { RedisConnection } from './redis-connection.js';
import { StateStoreError } from './state-store-error.js';

export { keyGraceInMs } from './_budget-commands.js';
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

export function createRedisBudgetStore(options: RedisBudgetStoreOptions): RedisBudgetStore {
  const { connection } = options;
  const reserveTimeoutInMs = options.reserveTimeoutInMs ?? 250;
  if (!Number.isFinite(reserveTimeoutInMs) || reserveTimeoutInMs < 0) {
    throw new StateStoreError(
      'CCB_STATE_INVALID_OPTIONS',
      `createRedisBudgetStore: reserveTimeoutInMs must be a number ≥ 0, got ${String(reserveTimeoutInMs)}.`,
    );
  }
  const calls = defineBudgetCalls(connection);
  const { commands } = calls;
  const replica = createBudgetReplica(calls.hashPrefix);
  const reservations = createLocalReservations(connection, replica);
  const inFlight = new Set<Promise<unknown>>();
  let outage = false;
  let closed = false;
  const settlements = createBudgetSettlements({ connection, calls, replica, track, answered, failed });

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
    settlements.replayUnsent();
  }

  function track<T>(promise: Promise<T>): Promise<T> {
    inFlight.add(promise);
    const forget = () => inFlight.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  connection.subscribe('budget', (message) => {
    try {
      if (replica.apply(JSON.parse(message) as unknown[])) options.onRemoteChange?.();
    } catch {}
  });
  const restarts = createBudgetRestartWatch({ connection, settlements, track });
  const unsubscribeUp = connection.onUp(() => {
    // A Redis that restarted counts versions from zero again: whatever it answers next is the truth.
    replica.forgetVersions();
    restarts.reconnected();
  });
  if (connection.status().up) restarts.reconnected();

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
      if (connection.status().up) void settlements.send(undefined, [], [amount], undefined);
      else settlements.keepUnsent([amount]);
    },
    read: (counter, windowStartInMs) => replica.read(counter, windowStartInMs),
    reserve({ id, holds, nowInMs, expiresAtInMs }) {
      reservations.releaseExpired(nowInMs);
      settlements.advanceClock(nowInMs);
      if (closed) return reservations.decideLocally(id, holds, expiresAtInMs, false);
      if (!connection.status().up) {
        // Known down: no error built per request (reported once per outage anyway).
        if (!outage) failed(new Error(connection.status().lastError ?? 'not connected'), 'a reservation');
        return reservations.decideLocally(id, holds, expiresAtInMs, false);
      }
      const reserveArguments = calls.reserveArguments(id, holds, nowInMs, expiresAtInMs);
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), reserveTimeoutInMs);
        timer.unref();
      });
      replica.ask(holds, 1);
      const decided = track(commands.ccbBudgetReserve(...reserveArguments));
      return Promise.race([decided, timedOut]).then(
        (reply): RedisBudgetReserveResult => {
          clearTimeout(timer);
          replica.ask(holds, -1);
          if (reply === 'timeout') {
            failed(new Error(`no answer within ${reserveTimeoutInMs} ms`), 'a reservation');
            // The script may still run: the settlement releases what it took, or it expires.
            return reservations.decideLocally(id, holds, expiresAtInMs, true);
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
          return reservations.decideLocally(id, holds, expiresAtInMs, true);
        },
      );
    },
    settle({ id, holds, spend }) {
      const reservation = reservations.take(id);
      // The replica counts at once, so that this instance's next check sees it; Redis's reply then replaces it.
      if (reservation !== undefined) replica.release(reservation.holds);
      for (const amount of spend) replica.add(amount);
      if (closed) return;
      if (!connection.status().up) {
        if (!outage) failed(new Error(connection.status().lastError ?? 'not connected'), 'a settlement');
        settlements.keepUnsent(spend);
        settlements.keepUnreleased(id, holds, reservation);
        return;
      }
      // Also for a reservation decided locally: a script that answered too late may have taken it in Redis.
      void settlements.send(id, holds, spend, reservation);
    },
    raiseTo(amounts) {
      if (closed || amounts.length === 0 || !connection.status().up) return Promise.resolve();
      return track(
        commands.ccbBudgetRaise(...calls.raiseArguments(amounts)).then(
          (reply) => {
            answered();
            if (replica.apply(reply)) options.onRemoteChange?.();
          },
          (error: unknown) => failed(error, 'restoring spend from the ledger'),
        ),
      );
    },
    onCountersMayBeLost: restarts.onCountersMayBeLost,
    localDecisions: reservations.localDecisions,
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
