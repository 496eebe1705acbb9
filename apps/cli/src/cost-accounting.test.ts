import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '@ccb/config';
import { LedgerError } from '@ccb/ledger';
import { createKeyFingerprint } from '@ccb/proxy';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCostAccounting } from './cost-accounting.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('createCostAccounting', () => {
  it('replaces the price table from pricing.file and applies per-provider multipliers and model prices', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ccb-prices-'));
    dirs.push(dir);
    writeFileSync(
      join(dir, 'prices.yaml'),
      [
        '- family: claude-sonnet-4-6',
        '  price: { input: 10, cacheWrite5m: 12.5, cacheWrite1h: 20, cacheRead: 1, output: 50 }',
        '- pattern: "vendor-*"',
        '  price: { input: 1, cacheWrite5m: 1.25, cacheWrite1h: 2, cacheRead: 0.1, output: 2 }',
      ].join('\n'),
    );
    const config = resolveConfig({
      pricing: { file: 'prices.yaml' },
      ledger: { enabled: false },
      providers: [
        { name: 'list', base_url: 'https://a.example', api_key: 'k1' },
        { name: 'reseller', base_url: 'https://b.example', api_key: 'k2', pricing: { multiplier: 0.5 } },
        {
          name: 'own',
          base_url: 'https://c.example',
          api_key: 'k3',
          pricing: { models: { 'claude-sonnet-*': { input: 3, output: 15 }, 'claude-haiku-*': 'free' } },
        },
      ],
    });
    const costs = createCostAccounting(config, { baseDir: dir, bench: () => {} });
    const usage = {
      inputTokens: 1_000_000,
      outputTokens: 1_000_000,
      cacheCreationInputTokens: 0,
      cacheReadInputTokens: 0,
    };
    expect(costs.pricing.costFor('list', 'claude-sonnet-4-6', usage)).toBeCloseTo(60, 6);
    expect(costs.pricing.costFor('reseller', 'claude-sonnet-4-6', usage)).toBeCloseTo(30, 6);
    expect(costs.pricing.costFor('own', 'claude-sonnet-4-6', usage)).toBeCloseTo(18, 6);
    expect(costs.pricing.costFor('own', 'claude-haiku-4-5', usage)).toBe(0);
    expect(costs.pricing.costFor('list', 'vendor-model', usage)).toBeCloseTo(3, 6);
    expect(costs.priceOf('reseller', 'claude-sonnet-4-6')).toBeLessThan(
      costs.priceOf('list', 'claude-sonnet-4-6') as number,
    );
    await costs.close();
  });

  it('writes a ledger row for the Messages API only, however its path is spelled, never for batches or files', async () => {
    const config = resolveConfig({
      ledger: { path: ':memory:' },
      providers: [{ name: 'list', base_url: 'https://a.example', api_key: 'k1' }],
    });
    const costs = createCostAccounting(config, { baseDir: tmpdir(), bench: () => {} });
    const usage = {
      inputTokens: 100,
      outputTokens: 10,
      cacheCreationInputTokens: 0,
      cacheReadInputTokens: 0,
    };
    const record = (api: 'messages' | 'count_tokens' | 'other', path: string) => ({
      requestId: `req_${path}`,
      method: 'POST',
      path,
      api,
      model: 'claude-sonnet-4-6',
      modelSent: 'claude-sonnet-4-6',
      sessionKey: undefined,
      rule: undefined,
      affinity: false,
      stream: false,
      status: 200,
      provider: 'list',
      outcome: 'ok' as const,
      attempts: [],
      usage,
      clientKeyId: '',
      upstreamRequestId: undefined,
      startedAt: Date.now(),
      durationInMs: 1,
      overheadInMs: 0,
      timeToFirstByteInMs: 1,
      bytesIn: 1,
      bytesOut: 1,
    });
    costs.record(record('messages', '/v1/messages?beta=true'));
    costs.record(record('other', '/v1/messages/batches'));
    costs.record(record('count_tokens', '/v1/messages/count_tokens'));
    const rows = (await costs.ledger?.query({ sinceInMs: 0, by: 'provider' })) ?? [];
    expect(rows.map((row) => [row.key, row.requests])).toEqual([['list', 1]]);
    await costs.close();
  });

  it('says which file is wrong when the price file cannot be read', () => {
    const config = resolveConfig({
      pricing: { file: 'missing.yaml' },
      // No ledger file in the shared temporary folder: another checkout's could be of another schema.
      ledger: { enabled: false },
      providers: [{ name: 'a', base_url: 'https://a.example', api_key: 'k' }],
    });
    expect(() => createCostAccounting(config, { baseDir: tmpdir(), bench: () => {} })).toThrow(
      /pricing\.file.*missing\.yaml/,
    );
  });

  it('runs without the ledger when no SQLite library loads, saying why, and refuses budgets then', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ccb-no-sqlite-'));
    dirs.push(dir);
    const loadDriver = vi.fn((): never => {
      throw new LedgerError('CCB_LEDGER_DRIVER_UNAVAILABLE', 'No SQLite library could be loaded (…).');
    });
    const providers = [{ name: 'a', base_url: 'https://a.example', api_key: 'k' }];
    const costs = createCostAccounting(resolveConfig({ providers }), {
      baseDir: dir,
      bench: () => {},
      loadDriver,
    });
    expect(loadDriver).toHaveBeenCalledTimes(1);
    expect(costs).toMatchObject({
      ledger: undefined,
      ledgerUnavailable: 'No SQLite library could be loaded (…).',
    });
    expect(() =>
      createCostAccounting(resolveConfig({ providers, budgets: [{ provider: 'a', daily_usd: 1 }] }), {
        baseDir: dir,
        bench: () => {},
        loadDriver,
      }),
    ).toThrow(/^budgets need the usage ledger, which cannot open: No SQLite library/);
    const inMemory = createCostAccounting(
      resolveConfig({ providers, ledger: { enabled: false }, budgets: [{ provider: 'a', daily_usd: 1 }] }),
      { baseDir: dir, bench: () => {}, loadDriver },
    );
    expect(inMemory).toMatchObject({ ledger: undefined, ledgerUnavailable: undefined });
    expect(inMemory.budgets).toBeDefined();
    expect(loadDriver).toHaveBeenCalledTimes(2);
  });

  describe('budgets per client key', () => {
    const keys = ['client-key-one-0123456789', 'client-key-two-0123456789'];
    const keyFingerprint = createKeyFingerprint('a-fingerprint-secret-for-this-test');
    const accounting = (key: string) =>
      createCostAccounting(
        resolveConfig({
          auth: { api_keys: keys },
          ledger: { enabled: false },
          budgets: [{ key, daily_usd: 1 }],
          providers: [{ name: 'a', base_url: 'https://a.example', api_key: 'k' }],
        }),
        { baseDir: tmpdir(), bench: () => {}, keyFingerprint },
      );
    const budgetNames = (key: string) =>
      accounting(key)
        .budgets?.snapshot()
        .map((budget) => budget.name);

    it('name a key given as itself or as its keyed fingerprint the way the proxy names it', () => {
      expect(new Set(budgetNames(keys[1] as string))).toEqual(new Set([keyFingerprint(keys[1] as string)]));
      expect(new Set(budgetNames(keyFingerprint(keys[0] as string)))).toEqual(
        new Set([keyFingerprint(keys[0] as string)]),
      );
    });

    it('refuse a fingerprint that names no client key, pointing an old unkeyed one at its new name', () => {
      const old = createHash('sha256')
        .update(keys[1] as string)
        .digest('hex')
        .slice(0, 12);
      expect(() => accounting(old)).toThrow(
        `budgets[0].key: ${old} is the fingerprint of none of auth.api_keys, so this budget would never apply; it is the old, unkeyed fingerprint of auth.api_keys[1], now named ${keyFingerprint(keys[1] as string)}`,
      );
      expect(() => accounting('0123456789ab')).toThrow(
        /^budgets\[0\]\.key: 0123456789ab is the fingerprint of none/,
      );
    });
  });
});

describe('createCostAccounting and deduplicated requests', () => {
  it('bills a joined request nothing, spends no budget on it, and records it in the ledger as joined', async () => {
    const config = resolveConfig({
      ledger: { path: ':memory:' },
      budgets: [{ provider: 'a', daily_usd: 100 }],
      providers: [{ name: 'a', base_url: 'https://a.example', api_key: 'key-a-0123456789' }],
    });
    const costs = createCostAccounting(config, { baseDir: process.cwd(), bench: () => {} });
    const usage = {
      inputTokens: 1_000_000,
      outputTokens: 0,
      cacheCreationInputTokens: 0,
      cacheReadInputTokens: 0,
    };
    const base = {
      requestId: 'req_1',
      method: 'POST',
      path: '/v1/messages',
      api: 'messages',
      model: 'claude-sonnet-4-6',
      modelSent: 'claude-sonnet-4-6',
      provider: 'a',
      status: 200,
      outcome: 'success',
      stream: false,
      startedAt: Date.now(),
      durationInMs: 5,
      bytesIn: 1,
      bytesOut: 1,
      usage,
      attempts: [],
    } as unknown as Parameters<typeof costs.record>[0];
    expect(costs.costOf(base)).toBeCloseTo(3, 6);
    expect(costs.record({ ...base, requestId: 'req_joined', dedup: 'joined' })).toBe(0);
    expect(costs.budgets?.snapshot().find((budget) => budget.metric === 'usd')?.used ?? 0).toBe(0);
    expect(costs.record(base)).toBeCloseTo(3, 6);
    const rows = await costs.ledger?.query({ sinceInMs: 0, by: 'provider' });
    expect(rows?.[0]).toMatchObject({ requests: 2, inputTokens: 1_000_000 });
    expect(rows?.[0]?.costUsd).toBeCloseTo(3, 6);
    await costs.close();
  });
});
