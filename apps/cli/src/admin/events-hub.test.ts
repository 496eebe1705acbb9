import type { AdminEvent } from '@ccb/admin-api';
import { describe, expect, it } from 'vitest';
import { requestRecord } from './_test-request-record.js';
import { createEventsHub } from './events-hub.js';

/** A hub with a hand-driven timer. */
function hubWithTimer() {
  let tick: (() => void) | undefined;
  let now = Date.UTC(2026, 11, 6, 10);
  const hub = createEventsHub({
    now: () => now,
    setInterval: (callback) => {
      tick = callback;
      return {};
    },
    clearInterval: () => {
      tick = undefined;
    },
  });
  return {
    hub,
    tick: () => {
      now += 1000;
      tick?.();
    },
    running: () => tick !== undefined,
  };
}

const report = { result: 'applied', changes: ['provider a: weight 1 -> 2'], restartRequired: [], errors: [] };

describe('createEventsHub', () => {
  it('aggregates nothing and runs no timer while no one listens', () => {
    const { hub, tick, running } = hubWithTimer();
    hub.requestEnded(requestRecord(), 0.01);
    expect(running()).toBe(false);
    const events: AdminEvent[] = [];
    const stop = hub.subscribe((event) => events.push(event));
    expect(running()).toBe(true);
    tick();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'traffic', total: { requests: 0 } });
    stop();
    expect(hub.subscribers).toBe(0);
    expect(running()).toBe(false);
  });

  it('sends router events, failovers and reloads as they happen, and traffic each tick', () => {
    const { hub, tick } = hubWithTimer();
    const events: AdminEvent[] = [];
    hub.subscribe((event) => events.push(event));
    hub.routerEvent({
      type: 'rate-limited',
      provider: 'alpha',
      rateLimitClass: 'rate_limit',
      until: Date.UTC(2026, 11, 6, 10, 0, 30),
      status: 429,
      at: Date.UTC(2026, 11, 6, 10),
    });
    hub.requestEnded(requestRecord(), 0.01);
    hub.requestEnded(
      requestRecord({
        requestId: 'req_failover',
        provider: 'beta',
        outcome: 'failed_over',
        attempts: [
          { provider: 'alpha', result: 'failure', status: 429, reason: 'rate limited', durationInMs: 1 },
          { provider: 'beta', result: 'success', status: 200, durationInMs: 2 },
        ],
      }),
      0.02,
    );
    hub.reloaded({ ...report, hash: 'h', loadedAtInMs: 0 } as never, 'SIGHUP');
    tick();
    expect(events.map((event) => event.type)).toEqual(['router', 'failover', 'reload', 'traffic']);
    expect(events[0]).toMatchObject({
      kind: 'rate-limited',
      provider: 'alpha',
      reason: 'rate_limit',
      status: 429,
      until: '2026-12-06T10:00:30.000Z',
    });
    expect((events[0] as { message: string }).message).toContain('cooling down until');
    expect(events[1]).toMatchObject({
      request_id: 'req_failover',
      provider: 'beta',
      attempts: [
        { provider: 'alpha', status: 429, reason: 'rate limited' },
        { provider: 'beta', status: 200, reason: null },
      ],
    });
    expect(events[2]).toMatchObject({ trigger: 'SIGHUP', result: 'applied' });
    expect(events[3]).toMatchObject({ total: { requests: 2, failovers: 1 } });
  });

  it('sends a ban with its message and no deadline', () => {
    const { hub } = hubWithTimer();
    const events: AdminEvent[] = [];
    hub.subscribe((event) => events.push(event));
    hub.routerEvent({
      type: 'benched',
      provider: 'max',
      reason: 'banned',
      until: Number.POSITIVE_INFINITY,
      message: 'This organization has been disabled.',
      at: Date.UTC(2026, 11, 6, 10),
    });
    expect(events[0]).toMatchObject({ kind: 'benched', provider: 'max', reason: 'banned', until: null });
    expect((events[0] as { message: string }).message).toContain('This organization has been disabled.');
  });

  it('keeps serving the other listeners when one throws', () => {
    const { hub } = hubWithTimer();
    const received: string[] = [];
    hub.subscribe(() => {
      throw new Error('broken client');
    });
    hub.subscribe((event) => received.push(event.type));
    hub.routerEvent({ type: 'reprioritized', provider: 'alpha', at: 0 });
    expect(received).toEqual(['router']);
  });
});

describe('closing the hub', () => {
  it('ends every subscription and stops the timer', () => {
    const { hub, running } = hubWithTimer();
    const ended: string[] = [];
    hub.subscribe(
      () => {},
      () => ended.push('first'),
    );
    hub.subscribe(
      () => {},
      () => ended.push('second'),
    );
    hub.close();
    expect(ended).toEqual(['first', 'second']);
    expect(hub.subscribers).toBe(0);
    expect(running()).toBe(false);
  });
});
