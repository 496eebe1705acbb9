import { raiseScript, reserveScript, settleScript } from './_budget-scripts.js';
import type { RedisBudgetAmount, RedisBudgetHold } from './budget-amounts.js';
import type { RedisConnection } from './redis-connection.js';

/** How long a window's keys outlive it: instances whose clocks lag a little still find their counters. */
export const keyGraceInMs = 3_600_000;

/** The budget scripts as commands of the connection (and of its pipelines), once defined. */
export type BudgetCommands = {
  ccbBudgetReserve(...args: (string | number)[]): Promise<unknown[]>;
  ccbBudgetSettle(...args: (string | number)[]): Promise<unknown[]>;
  ccbBudgetRaise(...args: (string | number)[]): Promise<unknown[]>;
};

/**
 * The budget scripts defined on one connection, and their arguments (`numkeys`, KEYS, ARGV) laid out from amounts
 * as each script's doc in `_budget-scripts` reads them.
 */
export interface BudgetCalls {
  readonly commands: RedisConnection['commands'] & BudgetCommands;
  /** `<prefix>budget:`, the start of every counter's hash name. */
  readonly hashPrefix: string;
  /** The hash of an amount's counter and window. */
  hashOf(amount: { counter: string; windowStartInMs: number }): string;
  reserveArguments(
    id: string,
    holds: readonly RedisBudgetHold[],
    nowInMs: number,
    expiresAtInMs: number,
  ): (string | number)[];
  settleArguments(
    id: string | undefined,
    holds: readonly RedisBudgetAmount[],
    spend: readonly RedisBudgetAmount[],
  ): (string | number)[];
  raiseArguments(amounts: readonly RedisBudgetAmount[]): (string | number)[];
}

/** Defines the budget scripts on `connection` (once per connection) and lays out their arguments. */
export function defineBudgetCalls(connection: RedisConnection): BudgetCalls {
  const commands = connection.commands as unknown as typeof connection.commands & BudgetCommands;
  const reserveKeys = (hold: RedisBudgetAmount) => [hashOf(hold), `${hashOf(hold)}:r`];
  connection.commands.defineCommand('ccbBudgetReserve', { lua: reserveScript });
  connection.commands.defineCommand('ccbBudgetSettle', { lua: settleScript });
  connection.commands.defineCommand('ccbBudgetRaise', { lua: raiseScript });
  const channel = connection.key('budget');
  const hashPrefix = connection.key('budget:');

  function hashOf(amount: { counter: string; windowStartInMs: number }): string {
    return `${hashPrefix}${amount.counter}:${amount.windowStartInMs}`;
  }

  return {
    commands,
    hashPrefix,
    hashOf,
    reserveArguments(id, holds, nowInMs, expiresAtInMs) {
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
      return [keys.length, ...keys, ...args];
    },
    settleArguments(id, holds, spend) {
      const keys = [...holds.flatMap(reserveKeys), ...spend.map(hashOf)];
      const args: (string | number)[] = [id ?? '', holds.length, channel];
      for (const amount of spend)
        args.push(amount.costUsd, amount.tokens, amount.windowEndInMs + keyGraceInMs);
      return [keys.length, ...keys, ...args];
    },
    raiseArguments(amounts) {
      const keys = amounts.map(hashOf);
      const args: (string | number)[] = [channel];
      for (const amount of amounts)
        args.push(amount.costUsd, amount.tokens, amount.windowEndInMs + keyGraceInMs);
      return [keys.length, ...keys, ...args];
    },
  };
}
