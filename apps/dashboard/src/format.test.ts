import { describe, expect, it } from 'vitest';
import {
  formatClock,
  formatCount,
  formatCountdown,
  formatDuration,
  formatLatency,
  formatPercent,
  formatUsd,
} from './format.js';

describe('formatDuration', () => {
  it('says milliseconds, seconds, minutes, hours and days', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(30_000)).toBe('30 s');
    expect(formatDuration(245_000)).toBe('4 min 05 s');
    expect(formatDuration(2 * 3_600_000 + 600_000)).toBe('2 h 10 min');
    expect(formatDuration(3 * 86_400_000 + 4 * 3_600_000)).toBe('3 d 4 h');
  });

  it('counts a negative duration as none', () => {
    expect(formatDuration(-5)).toBe('0 ms');
  });
});

describe('formatCountdown', () => {
  it('rounds the time left up to the second', () => {
    expect(formatCountdown(30_000, 1)).toBe('30 s');
    expect(formatCountdown(10_000, 0)).toBe('10 s');
  });

  it('says now once the deadline passed', () => {
    expect(formatCountdown(1000, 1000)).toBe('now');
    expect(formatCountdown(1000, 5000)).toBe('now');
  });
});

describe('formatClock', () => {
  it('gives the time alone today and the date with it another day', () => {
    const today = new Date(2026, 11, 6, 14, 5).getTime();
    expect(formatClock(today, new Date(2026, 11, 6, 9, 0).getTime())).toBe('14:05');
    expect(formatClock(new Date(2026, 11, 9, 0, 0).getTime(), today)).toBe('Dec 9 00:00');
  });
});

describe('numbers', () => {
  it('writes dollars with cents, or four decimals below a dollar', () => {
    expect(formatUsd(12.345)).toBe('$12.35');
    expect(formatUsd(1234.5)).toBe('$1,234.50');
    expect(formatUsd(0.0712)).toBe('$0.0712');
    expect(formatUsd(0)).toBe('$0');
    expect(formatUsd(null)).toBe('—');
  });

  it('writes counts with k and M', () => {
    expect(formatCount(950)).toBe('950');
    expect(formatCount(12_340)).toBe('12.3k');
    expect(formatCount(1_650_022)).toBe('1.65M');
    expect(formatCount(2000)).toBe('2k');
  });

  it('writes percentages, with a decimal below one percent', () => {
    expect(formatPercent(0.42)).toBe('42%');
    expect(formatPercent(0.005)).toBe('0.5%');
    expect(formatPercent(0)).toBe('0%');
    expect(formatPercent(null)).toBe('—');
  });

  it('writes latencies in ms or as durations', () => {
    expect(formatLatency(0.62)).toBe('0.6 ms');
    expect(formatLatency(412)).toBe('412 ms');
    expect(formatLatency(4200)).toBe('4 s');
    expect(formatLatency(null)).toBe('—');
  });
});
