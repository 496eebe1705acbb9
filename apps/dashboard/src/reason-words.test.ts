import type { AdminProvider } from '@ccb/admin-api';
import { describe, expect, it } from 'vitest';
import { coolDownInWords, providerStatus, windowName } from './reason-words.js';

const now = new Date(2026, 11, 6, 13, 0, 0).getTime();
const at = (ms: number) => new Date(ms).toISOString();

function provider(
  change: { health?: Partial<AdminProvider['health']> } & Omit<Partial<AdminProvider>, 'health'> = {},
) {
  const { health, ...rest } = change;
  return {
    name: 'alpha',
    base_url: 'http://127.0.0.1:1',
    auth_type: 'api_key',
    key_fingerprint: 'abc',
    models: [],
    configured: { weight: 1, priority: 1, enabled: true },
    overrides: {},
    effective: { weight: 1, priority: 1, enabled: true },
    state: 'serving',
    health: {
      circuit: 'closed',
      usable: true,
      serving: true,
      reason: null,
      cooling_down_until: null,
      rate_limit_class: null,
      consecutive_failures: 0,
      failure_rate: 0,
      last_error: null,
      last_success_at: null,
      ...health,
    },
    rate_limit: { requests: null, tokens: null, input_tokens: null, output_tokens: null },
    unified: null,
    in_flight: 0,
    recent: {
      requests: 0,
      errors: 0,
      error_rate: 0,
      latency_ms_p50: null,
      latency_ms_p95: null,
      window_seconds: 300,
    },
    spend_today_usd: null,
    ...rest,
  } satisfies AdminProvider;
}

describe('coolDownInWords', () => {
  it('says a 429 and its retry-after', () => {
    const limited = provider({
      health: {
        usable: false,
        rate_limit_class: 'rate_limit',
        reason: 'rate_limit',
        cooling_down_until: at(now + 30_000),
        last_error: { kind: 'rate_limit', status: 429, type: 'rate_limit_error', at: at(now) },
      },
    });
    expect(coolDownInWords(limited, now)).toBe('429 from the API, rate limited, retry-after 30 s');
  });

  it('names the exhausted subscription window and its reset time', () => {
    const exhausted = provider({
      health: { usable: false, rate_limit_class: 'unified_window', cooling_down_until: at(now + 3_600_000) },
      unified: {
        status: 'rejected',
        reset_at: null,
        windows: {
          '7d': { status: 'allowed', utilization: 0.4, reset_at: null },
          '5h': { status: 'rejected', utilization: 1.02, reset_at: at(now + 3_900_000) },
        },
      },
    });
    expect(coolDownInWords(exhausted, now)).toBe(
      'subscription 5-hour window exhausted, resets 14:05 (in 1 h 05 min)',
    );
  });

  it('explains an open circuit by its reason and last status', () => {
    const open = provider({
      health: {
        circuit: 'open',
        usable: false,
        reason: 'consecutive-failures',
        cooling_down_until: at(now + 10_000),
        last_error: { kind: 'status', status: 500, type: 'api_error', at: at(now) },
      },
    });
    expect(coolDownInWords(open, now)).toBe(
      'failed several times in a row (last answer 500), retry-after 10 s',
    );
  });

  it('says nothing for a healthy provider', () => {
    expect(coolDownInWords(provider(), now)).toBeNull();
  });
});

describe('providerStatus', () => {
  it('puts an operator state before health', () => {
    expect(providerStatus(provider({ state: 'disabled' }), now)).toMatchObject({
      label: 'disabled',
      tone: 'down',
    });
    expect(providerStatus(provider({ state: 'draining' }), now)).toMatchObject({
      label: 'draining',
      tone: 'warn',
    });
  });

  it('reads an open circuit as down and a closed one as serving', () => {
    const open = provider({ health: { circuit: 'open', usable: false, reason: 'failure-rate' } });
    expect(providerStatus(open, now)).toMatchObject({ label: 'circuit open', tone: 'down' });
    expect(providerStatus(provider(), now)).toEqual({ label: 'serving', tone: 'ok', reason: null });
  });
});

describe('windowName', () => {
  it('reads window names as spans', () => {
    expect(windowName('5h')).toBe('5-hour');
    expect(windowName('7d')).toBe('7-day');
    expect(windowName('7d_opus')).toBe('7-day Opus');
    expect(windowName('overage')).toBe('overage');
  });
});
