import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connectionBatches, openMeasurementWindow, rampTimeInMs } from './measurement-window.js';

describe('connectionBatches', () => {
  it('splits connections into batches of 25 with the remainder last', () => {
    expect(connectionBatches(60)).toEqual([25, 25, 10]);
    expect(connectionBatches(1)).toEqual([1]);
    expect(connectionBatches(1000)).toHaveLength(40);
  });

  it('ramps for the batches after the first, plus the settle time', () => {
    expect(rampTimeInMs(25, 500)).toBe(500);
    expect(rampTimeInMs(60, 500)).toBe(2 * 50 + 500);
  });
});

describe('openMeasurementWindow', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('counts only between the end of the ramp and the end of the window', () => {
    const events: string[] = [];
    const window = openMeasurementWindow({
      rampInMs: 100,
      durationInMs: 1000,
      now: Date.now,
      onOpen: () => events.push('open'),
      onEnd: () => events.push('end'),
    });
    window.onClose(() => events.push('close listener'));
    vi.advanceTimersByTime(99);
    expect(window.counting).toBe(false);
    vi.advanceTimersByTime(1);
    expect(window.counting).toBe(true);
    vi.advanceTimersByTime(400);
    expect(window.elapsedInMs).toBe(400);
    vi.advanceTimersByTime(600);
    expect(window).toMatchObject({ counting: false, closed: true, elapsedInMs: 1000 });
    expect(events).toEqual(['open', 'end', 'close listener']);
  });

  it('takes latency samples from requests sent after the last connections were launched, arriving while counting', () => {
    const window = openMeasurementWindow({
      rampInMs: 500,
      settleInMs: 300,
      durationInMs: 1000,
      now: Date.now,
    });
    vi.advanceTimersByTime(450);
    expect(window.isSample(10, false)).toBe(false);
    vi.advanceTimersByTime(250);
    // Now 200 ms into the window, whose settle began 500 ms ago (at 200 ms): a request sent 500 ms ago left as the
    // settle began, one sent 501 ms ago while connections were still being launched.
    expect(window.isSample(150, false)).toBe(true);
    expect(window.isSample(500, false)).toBe(true);
    expect(window.isSample(501, false)).toBe(false);
    vi.advanceTimersByTime(1000);
    expect(window.isSample(0, false)).toBe(false);
  });

  it("never takes a connection's first request as a sample, even one sent after the last launch", () => {
    const window = openMeasurementWindow({
      rampInMs: 500,
      settleInMs: 300,
      durationInMs: 1000,
      now: Date.now,
    });
    vi.advanceTimersByTime(700);
    expect(window.isSample(150, false)).toBe(true);
    expect(window.isSample(150, true)).toBe(false);
    expect(window.isSample(0, true)).toBe(false);
  });

  it('closes early on abort and keeps the counted time up to then', () => {
    const controller = new AbortController();
    const window = openMeasurementWindow({
      rampInMs: 0,
      durationInMs: 1000,
      now: Date.now,
      signal: controller.signal,
    });
    vi.advanceTimersByTime(250);
    controller.abort();
    vi.advanceTimersByTime(1000);
    expect(window).toMatchObject({ closed: true, elapsedInMs: 250 });
  });

  it('never opens when closed during the ramp, and calls late listeners at once', () => {
    const onOpen = vi.fn();
    const window = openMeasurementWindow({ rampInMs: 100, durationInMs: 1000, now: Date.now, onOpen });
    window.close();
    vi.advanceTimersByTime(2000);
    expect(onOpen).not.toHaveBeenCalled();
    expect(window.elapsedInMs).toBe(0);
    const late = vi.fn();
    window.onClose(late);
    expect(late).toHaveBeenCalledOnce();
  });
});
