import type { AttemptOutcome } from '@ccb/protocol';
import { describe, expect, it } from 'vitest';
import { createRouter } from './create-router.js';
import type { RouterEvent } from './router-event.js';

const start = Date.UTC(2026, 10, 29, 12, 0, 0);

function setup() {
  let nowInMs = start;
  const events: RouterEvent[] = [];
  const router = createRouter({
    targets: [{ name: 'a' }, { name: 'b' }],
    strategy: 'priority',
    now: () => nowInMs,
    onEvent: (event) => events.push(event),
  });
  return {
    router,
    events,
    advance(milliseconds: number) {
      nowInMs += milliseconds;
    },
  };
}

const rejected: AttemptOutcome = {
  result: 'failure',
  failure: 'status',
  status: 401,
  errorType: 'authentication_error',
};
const forbidden: AttemptOutcome = { ...rejected, status: 403, errorType: 'permission_error' };
const spendLimit: AttemptOutcome = {
  result: 'failure',
  failure: 'status',
  status: 402,
  errorType: 'billing_error',
};
const success: AttemptOutcome = { result: 'success', status: 200 };

function health(router: ReturnType<typeof setup>['router'], name: string) {
  return router.snapshot().find((provider) => provider.name === name);
}

describe('credentials judged on the Messages API only', () => {
  it.each(['other', 'models'] as const)(
    'leaves a provider usable after 401, 403 and spend limits on the %s surface, with no event',
    (api) => {
      const { router, events } = setup();
      for (let index = 0; index < 10; index++) {
        router.report('a', rejected, { api });
        router.report('a', forbidden, { api });
        router.report('a', spendLimit, { api });
      }
      expect(router.plan({})).toEqual(['a', 'b']);
      expect(health(router, 'a')).toMatchObject({
        usable: true,
        state: 'closed',
        consecutiveFailures: 0,
        lastError: null,
      });
      expect(events).toEqual([]);
    },
  );

  it.each(['messages', 'count_tokens', undefined] as const)(
    'benches a provider for auth on a 401 on the %s surface (absent: the Messages API)',
    (api) => {
      const { router } = setup();
      router.report('a', rejected, api === undefined ? undefined : { api });
      expect(router.plan({})).toEqual(['b']);
      expect(health(router, 'a')).toMatchObject({ usable: false, state: 'open', reason: 'auth' });
    },
  );

  it('clears the auth bench at once on any later success, with one event', () => {
    const { router, events, advance } = setup();
    router.report('a', rejected, { api: 'messages' });
    advance(1_000);
    // A request in flight, or one offered as the last resort, went through with the same credentials.
    router.report('a', success, { api: 'messages' });
    expect(router.plan({})).toEqual(['a', 'b']);
    expect(health(router, 'a')).toMatchObject({ usable: true, state: 'closed', reason: null, serving: true });
    expect(
      events.flatMap((event) =>
        event.type === 'state-change' ? [`${event.from}->${event.to}:${event.reason}`] : [],
      ),
    ).toEqual(['closed->open:auth', 'open->closed:success']);
  });

  it('keeps other open circuits until their trial, but counts a provider that served since as serving', () => {
    const { router, advance } = setup();
    for (let index = 0; index < 3; index++) router.report('a', { result: 'failure', failure: 'connect' });
    expect(health(router, 'a')).toMatchObject({ state: 'open', usable: false, serving: false });
    advance(1_000);
    router.report('a', success);
    expect(health(router, 'a')).toMatchObject({ state: 'open', usable: false, serving: true });
    expect(health(router, 'a')?.lastSuccessAt).toBe(start + 1_000);
    advance(1_000);
    router.report('a', { result: 'failure', failure: 'connect' });
    expect(health(router, 'a')).toMatchObject({ serving: false });
  });

  it('does not count a provider the caller benched as serving, whatever it served before', () => {
    const { router } = setup();
    router.report('a', success);
    expect(health(router, 'a')).toMatchObject({ usable: true, serving: true });
    router.bench('a', start + 60_000, 'budget');
    expect(health(router, 'a')).toMatchObject({ usable: false, serving: false, reason: 'budget' });
  });
});
