import { describe, expect, it } from 'vitest';
import { configHash } from './config-hash.js';
import { parseConfig } from './parse-config.js';
import { resolveConfig } from './resolve-config.js';

const provider = { name: 'a', base_url: 'https://a.example', api_key: 'sk-a' };

describe('configHash', () => {
  it('is 16 hex digits, the same for equal configs whatever their key order', () => {
    const hash = configHash(
      resolveConfig({ server: { port: 9000, host: '127.0.0.1' }, providers: [provider] }),
    );
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
    const reordered = parseConfig(
      'providers:\n  - api_key: sk-a\n    base_url: https://a.example\n    name: a\nserver:\n  host: 127.0.0.1\n  port: 9000\n',
    );
    expect(configHash(reordered)).toBe(hash);
    // Defaults written out or left implicit resolve to the same config.
    expect(
      configHash(resolveConfig({ server: { port: 9000 }, providers: [{ ...provider, weight: 1 }] })),
    ).toBe(hash);
  });

  it('changes with any value, a secret included, and with the order of a list', () => {
    const base = { providers: [provider, { ...provider, name: 'b' }] };
    const hashes = [
      configHash(resolveConfig(base)),
      configHash(resolveConfig({ ...base, server: { port: 9001 } })),
      configHash(resolveConfig({ providers: [{ ...provider, api_key: 'sk-rotated' }, base.providers[1]] })),
      configHash(resolveConfig({ providers: [...base.providers].reverse() })),
    ];
    expect(new Set(hashes).size).toBe(hashes.length);
  });
});
