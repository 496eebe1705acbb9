import { describe, expect, it } from 'vitest';
import { samplesNamed, sampleValue } from '../test/_prometheus-text.js';
import { scrape } from '../test/_scrape.js';
import { createMetrics } from './create-metrics.js';

describe('createMetrics subscription accounts', () => {
  it('reports each account’s state and token expiry as they are at the scrape', async () => {
    const accounts = new Map([
      ['max', { state: 'ready', expiresAt: 1_800_000_000_000 }],
      ['pro', { state: 'needs_login', expiresAt: null }],
    ]);
    const metrics = createMetrics({ collectDefaultMetrics: false, accountStates: () => accounts });
    const samples = await scrape(metrics);
    const state = (provider: string, value: string) =>
      sampleValue(samples, 'ccb_oauth_account_state', { provider, state: value });
    expect(['ready', 'refreshing', 'needs_login', 'unavailable'].map((value) => state('max', value))).toEqual(
      [1, 0, 0, 0],
    );
    expect(state('pro', 'needs_login')).toBe(1);
    expect(sampleValue(samples, 'ccb_oauth_token_expiry_timestamp_seconds', { provider: 'max' })).toBe(
      1_800_000_000,
    );
    expect(samplesNamed(samples, 'ccb_oauth_token_expiry_timestamp_seconds')).toHaveLength(1);

    // A login later: the next scrape sees it, and a removed account disappears.
    accounts.set('pro', { state: 'ready', expiresAt: 1_800_000_100_000 });
    accounts.delete('max');
    const later = await scrape(metrics);
    expect(sampleValue(later, 'ccb_oauth_account_state', { provider: 'pro', state: 'ready' })).toBe(1);
    expect(
      samplesNamed(later, 'ccb_oauth_account_state').some((sample) => sample.labels.provider === 'max'),
    ).toBe(false);
  });

  it('has no account series without accounts', async () => {
    const samples = await scrape(createMetrics({ collectDefaultMetrics: false }));
    expect(samplesNamed(samples, 'ccb_oauth_account_state')).toEqual([]);
  });
});
