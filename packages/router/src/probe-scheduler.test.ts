import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createProbeScheduler, type ProbeSchedulerOptions } from './probe-scheduler.js';
import { RouterError } from './router-error.js';

function deferred<Value>() {
  let resolve!: (value: Value) => void;
  const promise = new Promise<Value>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

describe('createProbeScheduler', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function scheduler(overrides: Partial<ProbeSchedulerOptions> = {}) {
    const results: string[] = [];
    const probed: string[] = [];
    const probes = createProbeScheduler({
      targets: ['a', 'b'],
      intervalInMs: 1_000,
      jitterRatio: 0.1,
      random: () => 0.5,
      probe: async (name) => {
        probed.push(name);
        return true;
      },
      onResult: (name, ok) => results.push(`${name}:${ok}`),
      ...overrides,
    });
    return { probes, results, probed };
  }

  it('costs nothing until started', async () => {
    const setTimeout = vi.fn();
    const { probed } = scheduler({ setTimeout });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(setTimeout).not.toHaveBeenCalled();
    expect(probed).toEqual([]);
  });

  it('probes every target once per interval and reports each result', async () => {
    const { probes, results } = scheduler();
    probes.start();
    await vi.advanceTimersByTimeAsync(999);
    expect(results).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(results).toEqual(['a:true', 'b:true']);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(results).toHaveLength(6);
    await probes.stop();
  });

  it('spreads each pause by the jitter ratio around the interval', async () => {
    const draws = [0, 1];
    const { probes, probed } = scheduler({ targets: ['early', 'late'], random: () => draws.shift() ?? 0.5 });
    probes.start();
    await vi.advanceTimersByTimeAsync(900);
    expect(probed).toEqual(['early']);
    await vi.advanceTimersByTimeAsync(199);
    expect(probed).toEqual(['early']);
    await vi.advanceTimersByTimeAsync(1);
    expect(probed).toEqual(['early', 'late']);
    await probes.stop();
  });

  it('never probes a target again while its previous probe is still running', async () => {
    const pending = deferred<boolean>();
    const probe = vi.fn(() => pending.promise);
    const { probes, results } = scheduler({ targets: ['slow'], probe });
    probes.start();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(probe).toHaveBeenCalledTimes(1);
    pending.resolve(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(results).toEqual(['slow:false']);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(probe).toHaveBeenCalledTimes(2);
    await probes.stop();
  });

  it('counts a rejected or throwing probe as unhealthy and keeps probing', async () => {
    let calls = 0;
    const { probes, results } = scheduler({
      targets: ['flaky'],
      probe: () => {
        calls += 1;
        if (calls === 1) throw new Error('sync');
        return Promise.reject(new Error('async'));
      },
    });
    probes.start();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(results).toEqual(['flaky:false', 'flaky:false']);
    await probes.stop();
  });

  it('keeps probing when the result listener throws', async () => {
    const { probes, probed } = scheduler({
      targets: ['a'],
      onResult: () => {
        throw new Error('listener bug');
      },
    });
    probes.start();
    await vi.advanceTimersByTimeAsync(3_000);
    expect(probed).toEqual(['a', 'a', 'a']);
    await probes.stop();
  });

  it('aborts probes in flight on stop, reports nothing for them and clears every timer', async () => {
    const signals: AbortSignal[] = [];
    const { probes, results } = scheduler({
      targets: ['hanging', 'idle'],
      random: () => 0,
      probe: (name, signal) => {
        signals.push(signal);
        if (name === 'idle') return Promise.resolve(true);
        return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
      },
    });
    probes.start();
    await vi.advanceTimersByTimeAsync(900);
    expect(results).toEqual(['idle:true']);
    await probes.stop();
    expect(signals[0]?.aborted).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(results).toEqual(['idle:true']);
  });

  it('ignores a second start while running', async () => {
    const { probes, probed } = scheduler({ targets: ['a'] });
    probes.start();
    probes.start();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(probed).toEqual(['a']);
    await probes.stop();
  });

  it('uses injected timer functions', async () => {
    const callbacks: (() => void)[] = [];
    const cleared: unknown[] = [];
    const { probes, probed } = scheduler({
      targets: ['a'],
      setTimeout: (callback, delayInMs) => {
        expect(delayInMs).toBe(1_000);
        callbacks.push(callback);
        return callbacks.length;
      },
      clearTimeout: (handle) => cleared.push(handle),
    });
    probes.start();
    callbacks[0]?.();
    await vi.advanceTimersByTimeAsync(0);
    expect(probed).toEqual(['a']);
    await probes.stop();
    expect(cleared).toEqual([2]);
  });

  it.each([
    [{ intervalInMs: 0 }],
    [{ intervalInMs: Number.POSITIVE_INFINITY }],
    [{ jitterRatio: 1 }],
    [{ jitterRatio: -0.1 }],
  ])('rejects %o with CCB_ROUTER_INVALID_OPTIONS', (overrides) => {
    let caught: unknown;
    try {
      scheduler(overrides);
    } catch (error) {
      caught = error;
    }
    expect(RouterError.is(caught) && caught.code).toBe('CCB_ROUTER_INVALID_OPTIONS');
  });
});
