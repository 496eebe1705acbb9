import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBodyIdleSweep, type SweptBody } from './body-idle-sweep.js';

describe('createBodyIdleSweep', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  const body = (sweepTick: number, expire = vi.fn()): SweptBody & { expire: ReturnType<typeof vi.fn> } => ({
    seenAtTick: sweepTick,
    expire,
    previous: undefined,
    next: undefined,
  });

  it('expires a silent body after between one and one and a half times the timeout, once', () => {
    const sweep = createBodyIdleSweep(1_000);
    const silent = body(sweep.tick);
    sweep.watch(silent);
    vi.advanceTimersByTime(1_000);
    expect(silent.expire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(500);
    expect(silent.expire).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(5_000);
    expect(silent.expire).toHaveBeenCalledTimes(1);
  });

  it('keeps a body whose pieces keep coming, however long it lasts', () => {
    const sweep = createBodyIdleSweep(1_000);
    const steady = body(sweep.tick);
    sweep.watch(steady);
    for (let elapsed = 0; elapsed < 20_000; elapsed += 900) {
      vi.advanceTimersByTime(900);
      steady.seenAtTick = sweep.tick;
    }
    expect(steady.expire).not.toHaveBeenCalled();
  });

  it('forgets unwatched bodies, stops its timer when none is left, and starts it again', () => {
    const sweep = createBodyIdleSweep(1_000);
    const [first, second, third] = [body(0), body(0), body(0)];
    for (const each of [first, second, third]) sweep.watch(each);
    sweep.unwatch(second);
    sweep.unwatch(second);
    sweep.unwatch(first);
    vi.advanceTimersByTime(1_500);
    expect([first.expire, second.expire, third.expire].map((fn) => fn.mock.calls.length)).toEqual([0, 0, 1]);
    expect(vi.getTimerCount()).toBe(0);
    const later = body(sweep.tick);
    sweep.watch(later);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(1_500);
    expect(later.expire).toHaveBeenCalledTimes(1);
  });
});
