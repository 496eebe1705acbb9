import type { AdminEvent } from '@ccb/admin-api';
import { describe, expect, it } from 'vitest';
import { EventLog, toLogEntry } from './event-log.js';

const circuitOpen: AdminEvent = {
  type: 'router',
  kind: 'state-change',
  provider: 'alpha',
  at: '2026-12-06T10:00:00.000Z',
  from: 'closed',
  to: 'open',
  reason: 'consecutive-failures',
  status: 500,
  until: '2026-12-06T10:00:30.000Z',
  message: 'provider alpha: circuit closed → open (consecutive-failures (status 500))',
};

const failover: AdminEvent = {
  type: 'failover',
  at: '2026-12-06T10:00:01.000Z',
  request_id: 'req_0123',
  outcome: 'failed_over',
  provider: 'beta',
  status: 200,
  attempts: [
    { provider: 'alpha', result: 'failure', status: 529, reason: 'overloaded' },
    { provider: 'beta', result: 'success', status: 200, reason: null },
  ],
};

describe('toLogEntry', () => {
  it('describes a failover by the providers tried, with its request id', () => {
    expect(toLogEntry(failover, 1)).toMatchObject({
      kind: 'failover',
      requestId: 'req_0123',
      text: 'served by beta after alpha 529 → beta 200',
    });
  });

  it('lists no traffic aggregate', () => {
    const hello: AdminEvent = { type: 'hello', at: failover.at, version: '0.1.0', interval_ms: 1000 };
    expect(toLogEntry(hello, 1)).toBeUndefined();
  });
});

describe('EventLog', () => {
  it('keeps the newest first, at most capacity, and filters by kind and text', () => {
    const log = new EventLog(2);
    log.add(circuitOpen);
    log.add(failover);
    log.add({ ...circuitOpen, provider: 'gamma', message: 'provider gamma: circuit closed → open' });
    expect(log.filter('all', '').map((entry) => entry.provider)).toEqual(['gamma', 'beta']);
    expect(log.filter('failover', '').map((entry) => entry.requestId)).toEqual(['req_0123']);
    expect(log.filter('all', 'REQ_01')).toHaveLength(1);
    expect(log.filter('circuit', 'beta')).toHaveLength(0);
  });
});
