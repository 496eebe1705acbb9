import { parseConfig } from '@ccb/config';
import { describe, expect, it } from 'vitest';
import {
  benchBedrockCredentials,
  type CcbVariant,
  ccbBenchConfig,
  type ProviderLayout,
} from './ccb-bench-config.js';

const upstreamUrl = 'http://127.0.0.1:4000';
const shared = {
  redisUrl: 'redis://127.0.0.1:6390',
  databaseUrl: 'postgres://ccb@127.0.0.1:5499/ccb_bench_x',
  keyPrefix: 'ccb-bench-1a2b3c4d:nonstream-c50:',
};

/** The config as ccb reads it: the bench writes JSON, which is YAML. */
function parsed(variant: CcbVariant, layout: ProviderLayout = 'single') {
  const config = ccbBenchConfig({
    variant,
    layout,
    upstreamUrl,
    refusedUrl: 'http://127.0.0.1:1',
    shared,
  });
  return parseConfig(JSON.stringify(config));
}

describe('ccbBenchConfig', () => {
  it('gives ccb-shared the Redis state store and the Postgres ledger of docs/deploy.md', () => {
    const config = parsed('ccb-shared');
    expect(config.state).toMatchObject({
      store: 'redis',
      url: shared.redisUrl,
      key_prefix: shared.keyPrefix,
    });
    expect(config.ledger).toMatchObject({ enabled: true, url: shared.databaseUrl });
  });

  it('keeps every other variant on memory state and the SQLite ledger, whatever shared says', () => {
    for (const variant of ['ccb', 'ccb-quiet', 'ccb-dedup'] as const) {
      const config = parsed(variant);
      expect(config.state.store, variant).toBe('memory');
      expect(config.ledger.url, variant).toBeUndefined();
      expect(config.ledger.path, variant).toBe('ccb-ledger.sqlite');
    }
  });

  it('differs from the default ccb in state and ledger only, in every provider layout', () => {
    for (const layout of ['single', 'refusing-first', 'two-with-affinity'] as const) {
      const {
        state: _state,
        ledger: _ledger,
        ...rest
      } = ccbBenchConfig({
        variant: 'ccb-shared',
        layout,
        upstreamUrl,
        refusedUrl: 'http://127.0.0.1:1',
        shared,
      });
      const base = ccbBenchConfig({ variant: 'ccb', layout, upstreamUrl, refusedUrl: 'http://127.0.0.1:1' });
      expect(rest, layout).toEqual(base);
      expect(parsed('ccb-shared', layout).providers.length, layout).toBe(layout === 'single' ? 1 : 2);
    }
  });

  it('gives ccb-bedrock kind: bedrock providers on the mock with a Bedrock API key, ccb-bedrock-sigv4 with AWS keys', () => {
    const withApiKey = parsed('ccb-bedrock').providers[0];
    expect(withApiKey).toMatchObject({
      kind: 'bedrock',
      region: benchBedrockCredentials.region,
      base_url: upstreamUrl,
      api_key: benchBedrockCredentials.apiKey,
    });
    expect(withApiKey?.aws).toBeUndefined();
    const signed = parsed('ccb-bedrock-sigv4').providers[0];
    expect(signed).toMatchObject({
      kind: 'bedrock',
      aws: {
        access_key_id: benchBedrockCredentials.accessKeyId,
        secret_access_key: benchBedrockCredentials.secretAccessKey,
      },
    });
    expect(signed?.api_key).toBeUndefined();
  });

  it('differs from the default ccb in its providers only, in every layout, and keeps the refusing one as it is', () => {
    for (const layout of ['single', 'refusing-first', 'two-with-affinity'] as const) {
      const options = { layout, upstreamUrl, refusedUrl: 'http://127.0.0.1:1' };
      const { providers, ...rest } = ccbBenchConfig({ variant: 'ccb-bedrock', ...options });
      const { providers: baseProviders, ...base } = ccbBenchConfig({ variant: 'ccb', ...options });
      expect(rest, layout).toEqual(base);
      const kinds = parsed('ccb-bedrock', layout).providers.map((provider) => provider.kind);
      expect(kinds, layout).toEqual(
        layout === 'single'
          ? ['bedrock']
          : layout === 'refusing-first'
            ? ['anthropic', 'bedrock']
            : ['bedrock', 'bedrock'],
      );
      expect((providers as unknown[]).length, layout).toBe((baseProviders as unknown[]).length);
    }
  });

  it('refuses ccb-shared without the engines, and the refusing layout without its URL', () => {
    expect(() => ccbBenchConfig({ variant: 'ccb-shared', layout: 'single', upstreamUrl })).toThrow(
      /ccb-shared/,
    );
    expect(() => ccbBenchConfig({ variant: 'ccb', layout: 'refusing-first', upstreamUrl })).toThrow(
      /refusedUrl/,
    );
  });
});
