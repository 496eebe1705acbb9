import { describe, expect, it } from 'vitest';
import { redisAddress, scrubSecrets } from './redis-address.js';

describe('redisAddress', () => {
  it('shows host and port only, never the password', () => {
    expect(redisAddress('redis://user:hunter22@cache.internal:6380/2')).toBe('cache.internal:6380');
  });

  it('names the default port when the url has none', () => {
    expect(redisAddress('rediss://cache.internal')).toBe('cache.internal:6379');
  });
});

describe('scrubSecrets', () => {
  it('removes every secret from a message', () => {
    expect(
      scrubSecrets('failed for redis://:hunter22@h:1 (hunter22)', ['redis://:hunter22@h:1', 'hunter22']),
    ).toBe('failed for [redacted] ([redacted])');
  });
});
