import { banReason } from './account-ban.js';
import type { RouterEvent } from './router-event.js';

/** One bench in force. */
export interface Bench {
  readonly until: number;
  readonly reason: string;
  /** The upstream's words, for a ban. */
  readonly message?: string;
}

/**
 * Providers benched by the caller (e.g. over their spend budget) until a deadline. Kept apart from health: a
 * bench is a decision of whoever called `bench()`, so no outcome, probe or `reset()` lifts it, and it works
 * with health turned off. Expiry is noticed lazily, like every other deadline of the router.
 */
export interface BenchBoard {
  /** Benches recorded (active or expired but not yet noticed); `0` lets plans skip every lookup. */
  count(): number;
  /** The bench in force for `name` at `nowInMs`; notices (and announces) an expired one. */
  active(name: string, nowInMs: number): Bench | undefined;
  /** The bench in force at `nowInMs`, without noticing anything (for snapshots). */
  peek(name: string, nowInMs: number): Bench | undefined;
  /**
   * Benches `name` until `until`; `message` travels on the event. A ban ({@link banReason}) outranks every other
   * reason: another bench leaves it in place, so that e.g. a budget bench that ends cannot lift it.
   */
  bench(name: string, until: number, reason: string, nowInMs: number, message?: string): void;
  unbench(name: string, nowInMs: number): void;
  /** Drops the bench of a provider that is no longer configured, silently: there is no one left to announce. */
  forget(name: string): void;
}

/** Creates an empty board that announces changes through `emit`. */
export function createBenchBoard(emit: (event: RouterEvent) => void): BenchBoard {
  const benches = new Map<string, Bench>();

  function end(name: string, bench: Bench, reason: 'expired' | 'unbench', at: number): void {
    benches.delete(name);
    emit({ type: 'unbenched', provider: name, reason, benchReason: bench.reason, at });
  }

  return {
    count: () => benches.size,
    active(name, nowInMs) {
      const bench = benches.get(name);
      if (bench === undefined) return undefined;
      if (nowInMs < bench.until) return bench;
      end(name, bench, 'expired', nowInMs);
      return undefined;
    },
    peek(name, nowInMs) {
      const bench = benches.get(name);
      return bench !== undefined && nowInMs < bench.until ? bench : undefined;
    },
    bench(name, until, reason, nowInMs, message) {
      const previous = benches.get(name);
      const wasActive = previous !== undefined && nowInMs < previous.until;
      if (wasActive && previous.reason === banReason && reason !== banReason) return;
      if (until <= nowInMs) {
        // A deadline already past ends the bench rather than opening one that is over at once.
        if (previous !== undefined) end(name, previous, wasActive ? 'unbench' : 'expired', nowInMs);
        return;
      }
      benches.set(name, message === undefined ? { until, reason } : { until, reason, message });
      // Callers re-bench on every over-budget report; only a new bench or a new reason is news.
      if (!wasActive || previous.reason !== reason) {
        emit(
          message === undefined
            ? { type: 'benched', provider: name, reason, until, at: nowInMs }
            : { type: 'benched', provider: name, reason, until, message, at: nowInMs },
        );
      }
    },
    unbench(name, nowInMs) {
      const bench = benches.get(name);
      if (bench !== undefined) end(name, bench, nowInMs < bench.until ? 'unbench' : 'expired', nowInMs);
    },
    forget(name) {
      benches.delete(name);
    },
  };
}
