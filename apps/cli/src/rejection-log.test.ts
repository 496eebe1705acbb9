import type { IncomingMessage } from 'node:http';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRejectionLog } from './rejection-log.js';

const request = (url = '/v1/messages') =>
  ({ method: 'POST', url, socket: { remoteAddress: '10.0.0.7' } }) as unknown as IncomingMessage;

describe('createRejectionLog', () => {
  let lines: string[];
  beforeEach(() => {
    vi.useFakeTimers();
    lines = [];
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('logs a key once per window, counts the repeats and sums them up when the window ends', () => {
    const log = createRejectionLog({ warn: (line) => lines.push(line) });
    for (let index = 0; index < 50; index++)
      log.rejected('client', 'aaaaaaaaaaaa', request('/v1/messages?x=1'));
    log.rejected('admin', 'aaaaaaaaaaaa', request('/metrics'));
    log.rejected('client', 'none', request());
    expect(lines).toEqual([
      'auth: refused client key aaaaaaaaaaaa for POST /v1/messages from 10.0.0.7; further refusals of it are counted for 1 minute, then summed up',
      'auth: refused admin key aaaaaaaaaaaa for POST /metrics from 10.0.0.7; further refusals of it are counted for 1 minute, then summed up',
      'auth: refused client key none (no key sent) for POST /v1/messages from 10.0.0.7; further refusals of it are counted for 1 minute, then summed up',
    ]);
    vi.advanceTimersByTime(59_999);
    expect(lines).toHaveLength(3);
    vi.advanceTimersByTime(1);
    expect(lines.slice(3)).toEqual([
      'auth: 49 more refusals within 1 minute, not logged one by one: client aaaaaaaaaaaa ×49',
    ]);
    // A new window: the key is logged again, once.
    log.rejected('client', 'aaaaaaaaaaaa', request());
    log.rejected('client', 'aaaaaaaaaaaa', request());
    expect(lines).toHaveLength(5);
    log.flush();
    expect(lines.at(-1)).toBe(
      'auth: 1 more refusal within 1 minute, not logged one by one: client aaaaaaaaaaaa ×1',
    );
    log.flush();
    expect(lines).toHaveLength(6);
  });

  it('bounds the lines of a window however many keys a client tries', () => {
    const log = createRejectionLog({ warn: (line) => lines.push(line), maxKeysPerWindow: 3 });
    for (let index = 0; index < 10_000; index++)
      log.rejected('client', index.toString(16).padStart(12, '0'), request());
    expect(lines).toHaveLength(3);
    vi.advanceTimersByTime(60_000);
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe(
      'auth: 9997 more refusals within 1 minute, not logged one by one: other keys ×9997',
    );
  });

  it('arms no timer while nothing is refused, and keeps a client-chosen path short', () => {
    const log = createRejectionLog({ warn: (line) => lines.push(line) });
    expect(vi.getTimerCount()).toBe(0);
    log.rejected('client', 'bbbbbbbbbbbb', request(`/v1/${'x'.repeat(1000)}`));
    expect(vi.getTimerCount()).toBe(1);
    expect(lines[0]?.length).toBeLessThan(300);
    vi.advanceTimersByTime(60_000);
    expect(vi.getTimerCount()).toBe(0);
  });
});
