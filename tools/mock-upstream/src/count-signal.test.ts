import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCountSignal } from './count-signal.js';

describe('createCountSignal', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('resolves a wait when the count reaches its target, and at once if already reached', async () => {
    const signal = createCountSignal();
    let resolved = false;
    const waiting = signal.waitFor(2, 1000, 'things').then(() => {
      resolved = true;
    });
    signal.increment();
    await Promise.resolve();
    expect(resolved).toBe(false);
    signal.increment();
    await waiting;
    expect(vi.getTimerCount()).toBe(0);
    await expect(signal.waitFor(1, 1000, 'things')).resolves.toBeUndefined();
  });

  it('rejects with a timeout error naming what was awaited', async () => {
    const signal = createCountSignal();
    const waiting = signal.waitFor(1, 50, 'a request');
    vi.advanceTimersByTime(50);
    await expect(waiting).rejects.toMatchObject({
      code: 'CCB_MOCK_UPSTREAM_WAIT_TIMEOUT',
      message: expect.stringContaining('a request'),
    });
  });

  it('rejects pending and later waits once closed', async () => {
    const signal = createCountSignal();
    const waiting = signal.waitFor(1, 50, 'x');
    signal.close();
    await expect(waiting).rejects.toMatchObject({ code: 'CCB_MOCK_UPSTREAM_CLOSED' });
    await expect(signal.waitFor(0, 50, 'x')).rejects.toMatchObject({ code: 'CCB_MOCK_UPSTREAM_CLOSED' });
    expect(vi.getTimerCount()).toBe(0);
  });
});
