import type { BudgetReplica } from './_budget-replica.js';
import type { RedisBudgetHold, RedisBudgetReserveResult } from './budget-amounts.js';
import type { RedisConnection } from './redis-connection.js';

/** A reservation this instance took, kept until it is settled or expires. */
export interface LocalReservation {
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

/** The answer to a reservation granted, shared (frozen) by every grant. */
export const granted: RedisBudgetReserveResult = Object.freeze({ granted: true });

/** The reservations this instance took, by id, and the ones it decided itself while Redis was away or late. */
export interface LocalReservations {
  set(id: string, reservation: LocalReservation): void;
  /** Removes `id`'s reservation and returns it (its settlement); `undefined` when there is none (expired, or no id). */
  take(id: string | undefined): LocalReservation | undefined;
  /** Forgets the reservations expired at `nowInMs`; those decided here are released from the replica. */
  releaseExpired(nowInMs: number): void;
  /** The same rule as the script's, on the replica: a window at or over a limit refuses. */
  decideLocally(
    id: string,
    holds: readonly RedisBudgetHold[],
    expiresAtInMs: number,
    sentToRedis: boolean,
  ): RedisBudgetReserveResult;
  /** Reservations decided by {@link LocalReservations.decideLocally} since creation. */
  localDecisions(): number;
}

/**
 * The reservations of one store. A reservation decided here (Redis away or late) is checked against and held in
 * `replica`, and counted as a dropped write on `connection`.
 */
export function createLocalReservations(
  connection: RedisConnection,
  replica: BudgetReplica,
): LocalReservations {
  // Insertion order = expiry order: every reservation of one `createBudgets` has the same time to live.
  const reservations = new Map<string, LocalReservation>();
  let decidedLocally = 0;

  return {
    set(id, reservation) {
      reservations.set(id, reservation);
    },
    take(id) {
      const reservation = id === undefined ? undefined : reservations.get(id);
      if (id !== undefined) reservations.delete(id);
      return reservation;
    },
    releaseExpired(nowInMs) {
      for (const [id, reservation] of reservations) {
        if (reservation.expiresAtInMs > nowInMs) return;
        reservations.delete(id);
        if (!reservation.shared) replica.release(reservation.holds);
      }
    },
    decideLocally(id, holds, expiresAtInMs, sentToRedis) {
      decidedLocally++;
      // A reservation Redis never took is a write dropped: it shows in ccb_state_store_write_failures_total.
      connection.countWriteFailures(1);
      const refusedHold = holds.findIndex((hold) => replica.usedUp(hold));
      if (refusedHold !== -1) return { granted: false as const, refusedHold };
      replica.reserve(holds);
      reservations.set(id, { expiresAtInMs, holds, shared: false, sentToRedis });
      return granted;
    },
    localDecisions: () => decidedLocally,
  };
}
