import type { BudgetSettlements } from './_budget-settlements.js';
import type { RedisConnection } from './redis-connection.js';

/** Options of {@link createBudgetRestartWatch}. */
export interface BudgetRestartWatchOptions {
  readonly connection: RedisConnection;
  /** What this instance kept while Redis was away: replayed after a reconnect, dropped after a restart. */
  readonly settlements: Pick<BudgetSettlements, 'replayUnsent' | 'drop'>;
  /** Counts the check among the writes in flight (the store's `flush` waits for them). */
  readonly track: <T>(promise: Promise<T>) => Promise<T>;
}

/**
 * Tells a Redis that restarted (its counters may be gone, unless it persists them) from a mere reconnect, by its
 * run id, and calls the listeners that refill the counters; see `RedisBudgetStore.onCountersMayBeLost`.
 */
export interface BudgetRestartWatch {
  /** On each (re)connect: did Redis restart? Then its counters may be gone; else replay what it missed. */
  reconnected(): void;
  onCountersMayBeLost(listener: () => void): () => void;
}

/** Watches Redis's run id across reconnects; see {@link BudgetRestartWatch}. */
export function createBudgetRestartWatch(options: BudgetRestartWatchOptions): BudgetRestartWatch {
  const { connection, settlements, track } = options;
  // Redis's run id: a new one after a reconnect means it restarted, with no counters unless it persists them.
  let runId: string | undefined;
  let counterLossSeen = false;
  const counterLossListeners = new Set<() => void>();

  return {
    reconnected() {
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
              settlements.drop();
            } else settlements.replayUnsent();
            if (!restarted && counterLossSeen) return;
            counterLossSeen = true;
            for (const listener of counterLossListeners) listener();
          }),
      );
    },
    onCountersMayBeLost(listener) {
      counterLossListeners.add(listener);
      if (counterLossSeen) listener();
      return () => counterLossListeners.delete(listener);
    },
  };
}

/** `run_id` of an `INFO server` reply. */
function readRunId(info: string): string | undefined {
  return /^run_id:([0-9a-f]+)\r?$/m.exec(info)?.[1];
}
