import { describe, expect, it } from 'vitest';
import { createUnifiedWindows } from './unified-windows.js';

const startInMs = 1_800_000_000_000;

describe('createUnifiedWindows', () => {
  it('starts empty with resets one window length away, allowed', () => {
    const windows = createUnifiedWindows(() => startInMs);
    const verdict = windows.verdict();
    expect(verdict.rejected).toBe(false);
    expect(verdict.headers).toMatchObject({
      'anthropic-ratelimit-unified-status': 'allowed',
      'anthropic-ratelimit-unified-5h-status': 'allowed',
      'anthropic-ratelimit-unified-5h-reset': '1800018000',
      'anthropic-ratelimit-unified-7d-reset': '1800604800',
      'anthropic-ratelimit-unified-representative-claim': 'five_hour',
    });
    expect(verdict.headers['anthropic-ratelimit-unified-5h-surpassed-threshold']).toBeUndefined();
  });

  it('warns from 0.8 and names the fullest window', () => {
    const windows = createUnifiedWindows(() => startInMs);
    windows.setUsage({ fiveHour: { utilization: 0.3 }, sevenDay: { utilization: 0.8 } });
    expect(windows.verdict().headers).toMatchObject({
      'anthropic-ratelimit-unified-status': 'allowed_warning',
      'anthropic-ratelimit-unified-7d-status': 'allowed_warning',
      'anthropic-ratelimit-unified-7d-surpassed-threshold': '0.8',
      'anthropic-ratelimit-unified-representative-claim': 'seven_day',
      'anthropic-ratelimit-unified-reset': '1800604800',
    });
  });

  it('rolls an exhausted window over once its reset passes', () => {
    let nowInMs = startInMs;
    const windows = createUnifiedWindows(() => nowInMs);
    windows.setUsage({ fiveHour: { utilization: 1, resetAt: startInMs + 1000 } });
    expect(windows.verdict().rejected).toBe(true);
    nowInMs += 999;
    expect(windows.verdict().rejected).toBe(true);
    nowInMs += 1;
    expect(windows.verdict().rejected).toBe(false);
    expect(windows.current().fiveHour).toEqual({ utilization: 0, resetAt: nowInMs + 18_000_000 });
  });
});
