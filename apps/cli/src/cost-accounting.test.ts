import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '@ccb/config';
import { afterEach, describe, expect, it } from 'vitest';
import { createCostAccounting } from './cost-accounting.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('createCostAccounting', () => {
  it('replaces the price table from pricing.file and applies per-provider multipliers and model prices', () => {
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
    costs.close();
  });

  it('says which file is wrong when the price file cannot be read', () => {
    const config = resolveConfig({
      pricing: { file: 'missing.yaml' },
      providers: [{ name: 'a', base_url: 'https://a.example', api_key: 'k' }],
    });
    expect(() => createCostAccounting(config, { baseDir: tmpdir(), bench: () => {} })).toThrow(
      /pricing\.file.*missing\.yaml/,
    );
  });
});
