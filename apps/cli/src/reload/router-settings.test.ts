import { parseConfig } from '@ccb/config';
import { createRouter } from '@ccb/router';
import { describe, expect, it } from 'vitest';
import { routerSettings } from './router-settings.js';
import { RuntimeOverrides } from './runtime-overrides.js';

const yaml = `
providers:
  - name: key
    base_url: https://api.anthropic.com
    api_key: sk-ant-api03-test-key-0123456789
  - name: max
    auth_type: oauth
    oauth:
      access_token: sk-ant-oat01-test-token-0123456789
  - name: own
    base_url: https://api.anthropic.com
    auth_type: passthrough
`;

describe('routerSettings', () => {
  it('marks oauth providers as oauth subscriptions and passthrough ones as the client’s own', () => {
    const settings = routerSettings(parseConfig(yaml), new RuntimeOverrides(), () => undefined);
    expect(settings.targets.map((target) => [target.name, target.subscription])).toEqual([
      ['key', undefined],
      ['max', 'oauth'],
      ['own', 'client'],
    ]);
    expect('subscription' in (settings.targets[0] as object)).toBe(false);
    const router = createRouter({ ...settings, strategy: 'priority' });
    expect(router.plan({})).toEqual(['max', 'own', 'key']);
    expect(router.plan({ fromClaudeCode: false })).toEqual(['own', 'key']);
  });
});
