import type { RedisBudgetAmount, RedisBudgetHold, RedisBudgetTotals } from './budget-amounts.js';

/** One counter's latest window as this instance last learned it from Redis, plus what it counted itself since. */
interface Replica {
  windowStartInMs: number;
  /** Redis's write count of the window's hash: a reply or publication with an older one is stale. */
  version: number;
  costUsd: number;
  tokens: number;
  reservedCostUsd: number;
  reservedTokens: number;
}

/** This instance's copy of the budget counters: what `read` answers without Redis. */
export interface BudgetReplica {
  read(counter: string, windowStartInMs: number): RedisBudgetTotals;
  /** Whether a hold's window is used up here: settled + reserved at or above one of its limits (the scripts' rule). */
  usedUp(hold: RedisBudgetHold): boolean;
  /** Takes the totals of a script's reply or a peer's publication; `true` when something changed. */
  apply(reply: readonly unknown[]): boolean;
  /** Counts holds as reserved (a reservation decided here). */
  reserve(holds: readonly RedisBudgetAmount[]): void;
  release(holds: readonly RedisBudgetAmount[]): void;
  add(amount: RedisBudgetAmount): void;
  /** Counts (`sign` 1) or stops counting (-1) reservations sent to Redis and not answered yet. */
  ask(holds: readonly RedisBudgetAmount[], sign: 1 | -1): void;
  /** After a reconnect: a Redis that restarted counts versions from zero again, and what it answers next is true. */
  forgetVersions(): void;
}

const zero: RedisBudgetTotals = Object.freeze({
  costUsd: 0,
  tokens: 0,
  reservedCostUsd: 0,
  reservedTokens: 0,
});

/** `hashPrefix`: `<key prefix>budget:`, the start of every counter's hash name in replies. */
export function createBudgetReplica(hashPrefix: string): BudgetReplica {
  const replicas = new Map<string, Replica>();
  // Reservations sent and not answered yet, per counter and window: counted as reserved meanwhile, so that a burst
  // of this instance's requests sees its own reservations before Redis answers.
  const asking = new Map<string, { costUsd: number; tokens: number; count: number }>();

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
    // An older window (a late reply, a lagging clock) is over: nothing there is counted.
    return current.windowStartInMs === windowStartInMs ? current : undefined;
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

  return {
    read,
    usedUp(hold) {
      const totals = read(hold.counter, hold.windowStartInMs);
      return (
        (hold.limitUsd !== undefined && totals.costUsd + totals.reservedCostUsd >= hold.limitUsd) ||
        (hold.limitTokens !== undefined && totals.tokens + totals.reservedTokens >= hold.limitTokens)
      );
    },
    apply(reply) {
      let changed = false;
      // `{ refusedHold, then per hash: name, usd, tokens, rusd, rtokens, version }`, numbers as strings.
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
    },
    reserve(holds) {
      for (const hold of holds) {
        const replica = replicaFor(hold.counter, hold.windowStartInMs);
        if (replica === undefined) continue;
        replica.reservedCostUsd += hold.costUsd;
        replica.reservedTokens += hold.tokens;
      }
    },
    release(holds) {
      for (const hold of holds) {
        const replica = replicas.get(hold.counter);
        if (replica === undefined || replica.windowStartInMs !== hold.windowStartInMs) continue;
        replica.reservedCostUsd = Math.max(0, replica.reservedCostUsd - hold.costUsd);
        replica.reservedTokens = Math.max(0, replica.reservedTokens - hold.tokens);
      }
    },
    add(amount) {
      const replica = replicaFor(amount.counter, amount.windowStartInMs);
      if (replica === undefined) return;
      replica.costUsd += amount.costUsd;
      replica.tokens += amount.tokens;
    },
    ask(holds, sign) {
      for (const hold of holds) {
        const key = `${hold.counter}@${hold.windowStartInMs}`;
        const sent = asking.get(key) ?? { costUsd: 0, tokens: 0, count: 0 };
        sent.costUsd += sign * hold.costUsd;
        sent.tokens += sign * hold.tokens;
        sent.count += sign;
        if (sent.count <= 0) asking.delete(key);
        else asking.set(key, sent);
      }
    },
    forgetVersions() {
      for (const replica of replicas.values()) replica.version = 0;
    },
  };
}
