import { type BenchBoard, createBenchBoard } from './_bench-board.js';
import { createMemoryHealthStore, type HealthStore } from './health-store.js';
import type { RouterOptions } from './router.js';
import type { RouterEvent } from './router-event.js';
import { createSessionAffinity, type SessionAffinity } from './session-affinity.js';

/**
 * What a router learns and keeps for its whole life, apart from its settings: `reconfigure()` swaps the settings
 * and leaves this in place, so health, benches and session bindings survive a reload.
 */
export interface RouterState {
  readonly now: () => number;
  /** For the built-in strategies; `undefined` = their default. */
  readonly random: (() => number) | undefined;
  readonly onEvent: ((event: RouterEvent) => void) | undefined;
  readonly healthStore: HealthStore;
  readonly benches: BenchBoard;
  readonly affinity: SessionAffinity;
}

/** Creates the state of a new router from the options a reload cannot change. */
export function createRouterState(options: RouterOptions): RouterState {
  const now = options.now ?? Date.now;
  return {
    now,
    random: options.random,
    onEvent: options.onEvent,
    healthStore: options.healthStore ?? createMemoryHealthStore(),
    benches: createBenchBoard(safeEmitter(options.onEvent)),
    affinity: createSessionAffinity({ store: options.affinityStore, now }),
  };
}

/** Wraps `onEvent` so that a listener bug cannot break routing (plan and report run inside request handling). */
function safeEmitter(onEvent: ((event: RouterEvent) => void) | undefined): (event: RouterEvent) => void {
  return (event) => {
    if (onEvent === undefined) return;
    try {
      onEvent(event);
    } catch {}
  };
}
