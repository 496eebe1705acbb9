import type { BudgetCalls, BudgetCommands } from './_budget-commands.js';
import type { BudgetReplica } from './_budget-replica.js';
import type { LocalReservation } from './_budget-reservations.js';
import type { RedisBudgetAmount } from './budget-amounts.js';
import type { RedisConnection } from './redis-connection.js';

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

/** Options of {@link createBudgetSettlements}: what it shares with the store that sends through it. */
export interface BudgetSettlementsOptions {
  readonly connection: RedisConnection;
  readonly calls: BudgetCalls;
  readonly replica: BudgetReplica;
  /** Counts a write among those in flight (the store's `flush` waits for them). */
  readonly track: <T>(promise: Promise<T>) => Promise<T>;
  /** Redis answered: ends an outage, which replays what was kept. */
  readonly answered: () => void;
  /** Redis failed: reports the outage (once). */
  readonly failed: (error: unknown, what: string) => void;
}

/**
 * Settlements on their way to Redis: sent at once when it is there, else kept and written once it is back, so that
 * nothing counted while Redis was away is lost. Spend is kept summed per window; a release is kept per reservation
 * Redis may hold, so that it is freed then rather than left to expire.
 */
export interface BudgetSettlements {
  /** Releases a reservation and adds spend in Redis; what fails is kept for when Redis is back. */
  send(
    id: string | undefined,
    holds: readonly RedisBudgetAmount[],
    spend: readonly RedisBudgetAmount[],
    reservation: Pick<LocalReservation, 'expiresAtInMs' | 'sentToRedis'> | undefined,
  ): Promise<void>;
  /** Keeps spend counted while Redis is away, written when it is back. */
  keepUnsent(spend: readonly RedisBudgetAmount[]): void;
  /** Keeps a release for when Redis is back, only for a reservation Redis may hold and has not expired. */
  keepUnreleased(
    id: string | undefined,
    holds: readonly RedisBudgetAmount[],
    reservation: Pick<LocalReservation, 'expiresAtInMs' | 'sentToRedis'> | undefined,
  ): void;
  /** Writes what was kept (Redis is back): releases not expired yet, then the spend. */
  replayUnsent(): void;
  /** Forgets what was kept (Redis restarted without it). */
  drop(): void;
  /** Learns a caller's clock (`reserve`'s `nowInMs`): a kept release older than the latest has expired in Redis. */
  advanceClock(nowInMs: number): void;
}

/** Sends settlements through the store's connection, keeping what Redis could not take until it is back. */
export function createBudgetSettlements(options: BudgetSettlementsOptions): BudgetSettlements {
  const { connection, calls, replica, track, answered, failed } = options;
  const { commands } = calls;
  // Spend counted while Redis was away, per hash, written when it is back.
  const unsent = new Map<string, RedisBudgetAmount>();
  // Reservations taken in Redis whose release could not reach it: released when it is back, not left to expire.
  const unreleased = new Map<string, PendingRelease>();
  // The latest clock a caller gave (`reserve`'s `nowInMs`): a pending release older than it has expired in Redis.
  let lastNowInMs = Number.NEGATIVE_INFINITY;

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

  function sendSettle(
    id: string | undefined,
    holds: readonly RedisBudgetAmount[],
    spend: readonly RedisBudgetAmount[],
    reservation: Pick<LocalReservation, 'expiresAtInMs' | 'sentToRedis'> | undefined,
  ) {
    return track(
      commands.ccbBudgetSettle(...calls.settleArguments(id, holds, spend)).then(
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
      const hash = calls.hashOf(amount);
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
      void pipeline.ccbBudgetSettle(...calls.settleArguments(id, release.holds, []));
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

  return {
    send: sendSettle,
    keepUnsent,
    keepUnreleased,
    replayUnsent,
    drop() {
      unsent.clear();
      unreleased.clear();
    },
    advanceClock(nowInMs) {
      lastNowInMs = Math.max(lastNowInMs, nowInMs);
    },
  };
}
