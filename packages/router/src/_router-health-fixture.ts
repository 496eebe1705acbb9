import type { AttemptOutcome } from '@ccb/protocol';
import { createRouter, type RouterOptions } from './create-router.js';
import type { HealthOptions } from './health-options.js';
import type { RouterEvent } from './router-event.js';

/**
 * Shared setup of the router health suites: `create-router.circuit.test.ts`, `create-router.cooldown.test.ts`,
 * `create-router.budget.test.ts` and `create-router.health.test.ts`. Test code only.
 */

/** The clock's starting time. */
export const start = Date.UTC(2026, 10, 29, 12, 0, 0);

/** A priority router over targets a and b with a clock that only `advance` moves, collecting its events. */
export function setup(options: Partial<RouterOptions> & { health?: HealthOptions } = {}) {
  let nowInMs = start;
  const events: RouterEvent[] = [];
  const router = createRouter({
    targets: [{ name: 'a' }, { name: 'b' }],
    strategy: 'priority',
    now: () => nowInMs,
    onEvent: (event) => events.push(event),
    ...options,
  });
  return {
    router,
    events,
    advance(milliseconds: number) {
      nowInMs += milliseconds;
    },
    now: () => nowInMs,
  };
}

export const failure: AttemptOutcome = { result: 'failure', failure: 'connect' };
export const success: AttemptOutcome = { result: 'success', status: 200 };

/** Reports `times` connect failures of `name`. */
export function fail(
  router: { report(name: string, outcome: AttemptOutcome): void },
  name: string,
  times: number,
) {
  for (let attempt = 0; attempt < times; attempt++) router.report(name, failure);
}

/** The state changes among `events`, as `provider:from->to:reason`. */
export function stateChanges(events: readonly RouterEvent[]) {
  return events.flatMap((event) =>
    event.type === 'state-change' ? [`${event.provider}:${event.from}->${event.to}:${event.reason}`] : [],
  );
}
