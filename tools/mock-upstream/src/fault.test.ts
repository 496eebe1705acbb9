import { describe, expect, it } from 'vitest';
import { isStreamFault, parseFault } from './fault.js';
import { createFaultQueue } from './fault-queue.js';

describe('parseFault', () => {
  it('keeps only the known fields and lower-cases header names', () => {
    expect(
      parseFault({
        kind: 'status',
        status: 429,
        headers: { 'Retry-After': '2' },
        extra: true,
        message: 'slow down',
      }),
    ).toEqual({ kind: 'status', status: 429, headers: { 'retry-after': '2' }, message: 'slow down' });
    expect(parseFault({ kind: 'delay', headersInMs: 5 })).toEqual({ kind: 'delay', headersInMs: 5 });
    expect(parseFault({ kind: 'sse-error', afterEvents: 0 })).toEqual({ kind: 'sse-error', afterEvents: 0 });
  });

  it.each([
    [null, 'expected an object'],
    [{ kind: 'nope' }, 'unknown `kind`'],
    [{ kind: 'status', status: 700 }, '`status` must be'],
    [{ kind: 'status', status: 500, headers: { a: 1 } }, 'header `a`'],
    [{ kind: 'drop-after' }, '`events` must be'],
    [{ kind: 'stall-after', events: -1 }, '`events` must be'],
    [{ kind: 'delay', headersInMs: 1.5 }, '`headersInMs` must be'],
    [{ kind: 'sse-error', afterEvents: 1, errorType: 5 }, '`errorType` must be'],
  ])('rejects %j', (value, message) => {
    expect(() => parseFault(value)).toThrow(message);
  });

  it('tells stream-only faults apart', () => {
    expect(isStreamFault({ kind: 'drop-after', events: 1 })).toBe(true);
    expect(isStreamFault({ kind: 'hang' })).toBe(false);
  });
});

describe('createFaultQueue', () => {
  it('serves faults in order, each for its count', () => {
    const queue = createFaultQueue();
    queue.add({ kind: 'reset' }, 2);
    queue.add({ kind: 'hang' });
    expect(queue.pending).toBe(3);
    expect(queue.take(false)?.kind).toBe('reset');
    expect(queue.take(false)?.kind).toBe('reset');
    expect(queue.take(false)?.kind).toBe('hang');
    expect(queue.take(false)).toBeUndefined();
    expect(queue.pending).toBe(0);
  });

  it('skips stream faults for non-streaming requests without using them up', () => {
    const queue = createFaultQueue();
    queue.add({ kind: 'stall-after', events: 1 });
    queue.add({ kind: 'reset' });
    expect(queue.take(false)?.kind).toBe('reset');
    expect(queue.take(false)).toBeUndefined();
    expect(queue.take(true)?.kind).toBe('stall-after');
  });

  it('rejects a count below 1 and clears everything on clear()', () => {
    const queue = createFaultQueue();
    expect(() => queue.add({ kind: 'reset' }, 0)).toThrow(
      expect.objectContaining({ code: 'CCB_MOCK_UPSTREAM_INVALID_FAULT' }),
    );
    queue.add({ kind: 'reset' }, 5);
    queue.clear();
    expect(queue.pending).toBe(0);
    expect(queue.take(true)).toBeUndefined();
  });
});
