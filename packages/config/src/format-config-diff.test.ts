import { describe, expect, it } from 'vitest';
import { diffConfigs } from './diff-configs.js';
import { formatConfigDiff } from './format-config-diff.js';
import { resolveConfig } from './resolve-config.js';

describe('formatConfigDiff', () => {
  it('writes one change per line, and "no changes" when there are none', () => {
    const provider = (name: string, weight = 1) => ({
      name,
      base_url: 'https://a.example',
      api_key: 'k',
      weight,
    });
    const before = resolveConfig({
      auth: { api_keys: ['client-key-0123456789'] },
      providers: [provider('b')],
    });
    const after = resolveConfig({
      auth: { api_keys: ['client-key-0123456789', 'client-key-9876543210'] },
      providers: [provider('b', 3), provider('c')],
    });
    expect(formatConfigDiff(diffConfigs(before, after))).toBe(
      'auth.api_keys: 1 key added\nprovider b: weight 1 -> 3\nprovider c added',
    );
    expect(formatConfigDiff(diffConfigs(before, before))).toBe('no changes');
    expect(formatConfigDiff([])).toBe('no changes');
  });
});
