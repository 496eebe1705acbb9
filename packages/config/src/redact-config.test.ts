import { describe, expect, it } from 'vitest';
import { configSecretFields, configSecrets, redactConfig } from './redact-config.js';
import { resolveConfig } from './resolve-config.js';

const secrets = [
  'client-key-1',
  'client-key-2',
  'admin-secret',
  'sk-provider',
  'bearer-tok',
  'hdr-secret',
  'cookie-val',
  'budget-client-key',
];

const config = resolveConfig({
  auth: { api_keys: ['client-key-1', 'client-key-2'], admin_key: 'admin-secret' },
  budgets: [
    { key: 'budget-client-key', daily_usd: 5 },
    { key: '*', daily_usd: 1 },
    { key: '0123456789ab', daily_usd: 2 },
  ],
  providers: [
    {
      name: 'a',
      base_url: 'https://a.example',
      api_key: 'sk-provider',
      headers: {
        Authorization: 'hdr-secret',
        'x-custom-token': 'hdr-secret',
        Cookie: 'cookie-val',
        'x-team': 'platform',
      },
    },
    {
      name: 'b',
      base_url: 'https://b.example',
      auth_type: 'bearer',
      api_key: 'bearer-tok',
      headers: { 'X-Api-Key': 'hdr-secret' },
    },
  ],
});

describe('redactConfig', () => {
  it('replaces every secret with ***', () => {
    const text = JSON.stringify(redactConfig(config));
    for (const secret of secrets) expect(text).not.toContain(secret);
    const redacted = redactConfig(config);
    expect(redacted.auth).toEqual({ api_keys: ['***', '***'], admin_key: ['***'] });
    expect(redacted.providers.map((provider) => provider.api_key)).toEqual(['***', '***']);
    expect(redacted.providers[0]?.headers).toEqual({
      Authorization: '***',
      'x-custom-token': '***',
      Cookie: '***',
      'x-team': 'platform',
    });
    expect(redacted.providers[1]?.headers).toEqual({ 'X-Api-Key': '***' });
    expect(redacted.budgets.map((budget) => budget.key)).toEqual(['***', '*', '0123456789ab']);
  });

  it('keeps everything else and leaves the original untouched', () => {
    const redacted = redactConfig(config);
    expect({ ...redacted, auth: config.auth, providers: config.providers, budgets: config.budgets }).toEqual(
      config,
    );
    expect(redacted.providers[0]?.base_url).toBe('https://a.example');
    expect(config.providers[0]?.api_key).toBe('sk-provider');
    expect(Object.isFrozen(redacted.providers[0]?.headers)).toBe(true);
  });

  it('does not invent an admin key or a passthrough api_key', () => {
    const redacted = redactConfig(
      resolveConfig({ providers: [{ name: 'p', base_url: 'https://a.example', auth_type: 'passthrough' }] }),
    );
    expect(redacted.auth.admin_key).toEqual([]);
    expect('api_key' in (redacted.providers[0] ?? {})).toBe(false);
  });
});

describe('configSecrets', () => {
  it('lists exactly the values redactConfig hides', () => {
    expect(configSecrets(config).sort()).toEqual([...secrets].sort());
    const redactedText = JSON.stringify(redactConfig(config));
    for (const secret of configSecrets(config)) expect(redactedText).not.toContain(secret);
  });
});

describe('configSecretFields', () => {
  it('names the field of every secret, as users read their config', () => {
    expect(configSecretFields(config).map((secret) => `${secret.path}=${secret.value}`)).toEqual([
      'auth.api_keys[0]=client-key-1',
      'auth.api_keys[1]=client-key-2',
      'auth.admin_key=admin-secret',
      'providers[0].api_key=sk-provider',
      'providers[0].headers.Authorization=hdr-secret',
      'providers[0].headers.x-custom-token=hdr-secret',
      'providers[0].headers.Cookie=cookie-val',
      'providers[1].api_key=bearer-tok',
      'providers[1].headers.X-Api-Key=hdr-secret',
      'budgets[0].key=budget-client-key',
    ]);
  });
});
