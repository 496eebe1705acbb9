import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { diffConfigs } from './diff-configs.js';
import { parseConfig } from './parse-config.js';
import { configSecrets } from './redact-config.js';
import { resolveConfig } from './resolve-config.js';
import type { ConfigInput } from './schema/config-schema.js';

const provider = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  base_url: `https://${name}.example`,
  api_key: `sk-${name}-0123456789`,
  ...extra,
});

const summaries = (before: ConfigInput, after: ConfigInput) =>
  diffConfigs(resolveConfig(before), resolveConfig(after)).map((change) => change.summary);

describe('diffConfigs', () => {
  it('finds nothing between equal configs, whatever their key order or defaults written out', () => {
    const before = parseConfig(
      'server: { port: 9000, host: 127.0.0.1 }\nproviders:\n  - { name: a, base_url: "https://a.example", api_key: k }\n',
    );
    const after = parseConfig(
      'providers:\n  - { api_key: k, weight: 1, base_url: "https://a.example", name: a }\nserver: { host: 127.0.0.1, port: 9000, shutdown_grace: 10s }\n',
    );
    expect(diffConfigs(before, after)).toEqual([]);
  });

  it('says what changed in every section, with its path, in the schema order', () => {
    const before: ConfigInput = {
      server: { port: 8080, allowed_hosts: ['a.example'] },
      routing: { strategy: 'weighted' },
      health: { probe: { enabled: false } },
      ledger: { path: 'a.sqlite' },
      providers: [provider('a')],
    };
    const after: ConfigInput = {
      server: { port: 9090, allowed_hosts: ['a.example', 'b.example'], body_limit: '1MiB' },
      routing: { strategy: 'cost', first_content_timeout: '1.5s' },
      health: { probe: { enabled: true } },
      ledger: { path: 'b.sqlite' },
      pricing: { file: 'prices.yaml' },
      providers: [provider('a')],
    };
    expect(diffConfigs(resolveConfig(before), resolveConfig(after))).toEqual([
      { path: 'server.port', summary: 'server.port: 8080 -> 9090' },
      { path: 'server.body_limit', summary: 'server.body_limit: 32MiB -> 1MiB' },
      {
        path: 'server.allowed_hosts',
        summary: 'server.allowed_hosts: [a.example] -> [a.example, b.example]',
      },
      { path: 'routing.strategy', summary: 'routing.strategy: weighted -> cost' },
      { path: 'routing.first_content_timeout', summary: 'routing.first_content_timeout: 30s -> 1500ms' },
      { path: 'health.probe.enabled', summary: 'health.probe.enabled: false -> true' },
      { path: 'ledger.path', summary: 'ledger.path: a.sqlite -> b.sqlite' },
      { path: 'pricing.file', summary: 'pricing.file: (unset) -> prices.yaml' },
    ]);
  });

  it('compares providers by name: added, removed, each changed field in schema order, and a new order', () => {
    const before = parseConfig(
      [
        'providers:',
        '  - { name: a, base_url: "https://a.example", api_key: k, weight: 1, models: [claude-*] }',
        '  - { name: b, base_url: "https://b.example", api_key: k }',
        '  - { name: d, base_url: "https://d.example", api_key: k }',
      ].join('\n'),
    );
    // Fields written in another order than the schema's: the diff still lists them in the schema's order.
    const after = parseConfig(
      [
        'providers:',
        '  - { name: b, base_url: "https://b.example", api_key: k }',
        '  - name: a',
        '    timeouts: { connect: 5s }',
        '    models: [claude-*, claude-x]',
        '    enabled: false',
        '    priority: 2',
        '    weight: 3',
        '    headers: { x-team: platform }',
        '    pricing: { models: { claude-x: { input: 3 } } }',
        '    base_url: "https://a2.example/api"',
        '    api_key: k',
        '  - { name: c, base_url: "https://c.example", api_key: k }',
      ].join('\n'),
    );
    expect(diffConfigs(before, after)).toEqual([
      {
        path: 'providers.a.base_url',
        summary: 'provider a: base_url https://a.example -> https://a2.example/api',
      },
      { path: 'providers.a.weight', summary: 'provider a: weight 1 -> 3' },
      { path: 'providers.a.priority', summary: 'provider a: priority 1 -> 2' },
      { path: 'providers.a.enabled', summary: 'provider a: enabled true -> false' },
      { path: 'providers.a.headers.x-team', summary: 'provider a: headers.x-team (unset) -> platform' },
      { path: 'providers.a.models', summary: 'provider a: models [claude-*] -> [claude-*, claude-x]' },
      { path: 'providers.a.timeouts.connect', summary: 'provider a: timeouts.connect 10s -> 5s' },
      { path: 'providers.a.pricing.models.claude-x', summary: 'provider a: pricing.models.claude-x added' },
      { path: 'providers.c', summary: 'provider c added' },
      { path: 'providers.d', summary: 'provider d removed' },
      { path: 'providers', summary: 'providers: order changed (a, b -> b, a)' },
    ]);
  });

  it('names rules and budgets, counts what has no name, and notices a new rule order', () => {
    const rule = (name: string, providers: string[]) => ({
      name,
      match: { family: 'haiku' as const },
      providers,
    });
    expect(
      summaries(
        {
          routing: { rules: [rule('bg', ['a']), rule('long', ['a']), rule('old', ['a'])] },
          budgets: [
            { provider: 'a', daily_usd: 5 },
            { key: '*', daily_usd: 1 },
          ],
          providers: [provider('a')],
        },
        {
          routing: { rules: [rule('long', ['a']), rule('bg', ['a', 'b']), rule('new', ['b'])] },
          budgets: [
            { provider: 'a', daily_usd: 6, monthly_usd: 100 },
            { key: '*', daily_usd: 1 },
          ],
          providers: [provider('a'), provider('b')],
        },
      ),
    ).toEqual([
      'routing.rules: rule "bg" changed (providers)',
      'routing.rules: rule "new" added',
      'routing.rules: rule "old" removed',
      'routing.rules: order changed',
      'budgets: budget for provider "a" changed (daily_usd, monthly_usd)',
      'provider b added',
    ]);
    // Two rules of one name cannot be told apart: counted instead.
    expect(
      summaries(
        { routing: { rules: [rule('x', ['a']), rule('x', ['a'])] }, providers: [provider('a')] },
        { routing: { rules: [rule('x', ['a'])] }, providers: [provider('a')] },
      ),
    ).toEqual(['routing.rules: 1 rule removed']);
  });

  it('says only that a secret was added, removed or changed, and counts keys in lists', () => {
    const before: ConfigInput = {
      auth: { api_keys: ['client-key-one-0123', 'client-key-two-0123'], admin_key: 'admin-key-one-0123' },
      budgets: [{ key: 'client-key-one-0123', daily_usd: 1 }],
      providers: [provider('a', { headers: { Authorization: 'Bearer header-secret-0123' } })],
    };
    const after: ConfigInput = {
      auth: {
        api_keys: ['client-key-two-0123', 'client-key-new-0123', 'client-key-new-4567'],
        admin_key: ['admin-key-one-0123', 'admin-key-two-0123'],
        fingerprint_secret: 'f'.repeat(40),
      },
      budgets: [{ key: 'client-key-two-0123', daily_usd: 1 }],
      providers: [
        provider('a', {
          api_key: 'sk-a-rotated-0123',
          headers: { Authorization: 'Bearer header-rotated-0123' },
        }),
      ],
    };
    expect(summaries(before, after)).toEqual([
      'auth.api_keys: 2 keys added, 1 removed',
      'auth.admin_key: 1 key added',
      'auth.fingerprint_secret: added',
      'budgets: budget for a client key added',
      'budgets: budget for a client key removed',
      'provider a: api_key changed',
      'provider a: headers.Authorization changed',
    ]);
    expect(
      summaries(
        { auth: { api_keys: ['client-key-one-0123', 'client-key-two-0123'] }, providers: [provider('a')] },
        { auth: { api_keys: ['client-key-two-0123', 'client-key-one-0123'] }, providers: [provider('a')] },
      ),
    ).toEqual(['auth.api_keys: order changed']);
  });
});

/** A distinctive value per secret position, so any leaked piece of one is found. */
const secret = (position: string) =>
  `S${createHash('sha256').update(position).digest('base64url').slice(0, 23)}`;

/** A config with a secret in every place one can sit; `version` changes every secret at once. */
function configWithSecrets(version: number, shape: { extraProvider?: boolean; extraKeys?: boolean } = {}) {
  const at = (position: string) => secret(`${position}#${version}`);
  const secretProvider = (name: string) => ({
    name,
    base_url: `https://${name}.example`,
    auth_type: 'bearer' as const,
    api_key: at(`${name}.api_key`),
    headers: {
      Authorization: `Bearer ${at(`${name}.authorization`)}`,
      'x-api-key': at(`${name}.x-api-key`),
      Cookie: at(`${name}.cookie`),
      'X-Custom-Token': at(`${name}.token`),
      'x-team': 'platform',
    },
  });
  const clientKeys = [at('client.0'), at('client.1'), ...(shape.extraKeys === true ? [at('client.2')] : [])];
  return resolveConfig({
    auth: {
      api_keys: clientKeys,
      admin_key: [at('admin.0'), ...(shape.extraKeys === true ? [at('admin.1')] : [])],
      fingerprint_secret: `${at('fingerprint')}${at('fingerprint.more')}`,
    },
    budgets: [
      { key: at('client.0'), daily_usd: version },
      { key: at('budget.only'), monthly_usd: 10 },
    ],
    providers: [
      secretProvider('a'),
      secretProvider('b'),
      ...(shape.extraProvider === true ? [secretProvider(`c${version}`)] : []),
    ],
  });
}

describe('diffConfigs never shows a secret', () => {
  const configs = [
    configWithSecrets(1),
    configWithSecrets(2),
    configWithSecrets(1, { extraKeys: true }),
    configWithSecrets(2, { extraProvider: true, extraKeys: true }),
    configWithSecrets(3, { extraProvider: true }),
  ];

  it('in any diff between configs whose secrets all differ, nor any 6 characters of one', () => {
    const secrets = configs.flatMap(configSecrets);
    expect(secrets.length).toBeGreaterThan(50);
    const fragments = new Set(
      secrets.flatMap((value) => [...value].map((_, index) => value.slice(index, index + 6))),
    );
    let lines = 0;
    for (const before of configs) {
      for (const after of configs) {
        const text = diffConfigs(before, after)
          .flatMap((change) => [change.path, change.summary])
          .join('\n');
        lines += text === '' ? 0 : text.split('\n').length;
        for (const fragment of fragments) {
          if (fragment.length === 6) expect(text).not.toContain(fragment);
        }
      }
    }
    expect(lines).toBeGreaterThan(100);
  });

  it('while still reporting each secret that changed', () => {
    expect(diffConfigs(configs[0] as never, configs[1] as never).map((change) => change.summary)).toEqual([
      'auth.api_keys: 2 keys added, 2 removed',
      'auth.admin_key: 1 key added, 1 removed',
      'auth.fingerprint_secret: changed',
      'budgets: budget for a client key added',
      'budgets: budget for a client key added',
      'budgets: budget for a client key removed',
      'budgets: budget for a client key removed',
      'provider a: api_key changed',
      'provider a: headers.Authorization changed',
      'provider a: headers.Cookie changed',
      'provider a: headers.X-Custom-Token changed',
      'provider a: headers.x-api-key changed',
      'provider b: api_key changed',
      'provider b: headers.Authorization changed',
      'provider b: headers.Cookie changed',
      'provider b: headers.X-Custom-Token changed',
      'provider b: headers.x-api-key changed',
    ]);
  });

  it('cuts out a secret that also sits where no secret is expected', () => {
    const key = 'sk-pasted-into-a-url-0123';
    const before = resolveConfig({ providers: [provider('a', { api_key: key })] });
    const after = resolveConfig({
      providers: [provider('a', { api_key: key, base_url: `https://a.example/${key}` })],
    });
    expect(diffConfigs(before, after)).toEqual([
      {
        path: 'providers.a.base_url',
        summary: 'provider a: base_url https://a.example -> https://a.example/***',
      },
    ]);
  });
});
