import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { defineConfig } from './define-config.js';
import { resolveConfig } from './resolve-config.js';

const input = defineConfig({
  server: { log_level: 'WARN', body_limit: '1MB' },
  providers: [{ name: 'p', base_url: 'https://a.example', api_key: '${KEY}', timeouts: { connect: 250 } }],
});

describe('resolveConfig', () => {
  it('expands, validates and applies defaults to a plain object', () => {
    const config = resolveConfig(input, { env: { KEY: 'sk-x' } });
    expect(config.server).toMatchObject({ log_level: 'warn', body_limit: 1_000_000, port: 8000 });
    expect(config.providers[0]).toMatchObject({
      api_key: 'sk-x',
      weight: 1,
      timeouts: { connect: 250, stream_idle: 300_000 },
    });
    expect(Object.isFrozen(config.providers[0])).toBe(true);
  });

  it('does not modify its input', () => {
    resolveConfig(input, { env: { KEY: 'sk-x' } });
    expect(input.providers[0]?.api_key).toBe('${KEY}');
    expect(Object.isFrozen(input)).toBe(false);
  });

  it('sees no variables unless an env is given', () => {
    expect(() => resolveConfig(input)).toThrow(
      'providers[0].api_key: environment variable KEY is not set (use ${KEY:-default} for a default)',
    );
  });

  it('reports validation issues by path without positions', () => {
    try {
      resolveConfig({ routing: { strategy: 'fastest' }, providers: [] });
      expect.unreachable();
    } catch (error) {
      expect(ConfigError.is(error) && error.code).toBe('CCB_CONFIG_INVALID');
      expect((error as ConfigError).issues).toEqual([
        {
          path: 'routing.strategy',
          message: 'must be one of round-robin, weighted, priority, cost; got "fastest"',
        },
        { path: 'providers', message: 'must list at least one provider' },
      ]);
    }
  });

  it('rejects a value that is not a map', () => {
    expect(() => resolveConfig(['providers'])).toThrow('expected a map, got a list');
  });
});
