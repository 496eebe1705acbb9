import { describe, expect, it } from 'vitest';
import { parseBaseUrl } from './parse-base-url.js';
import { ProviderError } from './provider-error.js';

describe('parseBaseUrl', () => {
  it.each([
    ['https://api.anthropic.com', 'https://api.anthropic.com', ''],
    ['https://api.anthropic.com/', 'https://api.anthropic.com', ''],
    ['https://api.deepseek.com/anthropic', 'https://api.deepseek.com', '/anthropic'],
    ['https://api.z.ai/api/anthropic/', 'https://api.z.ai', '/api/anthropic'],
    ['https://openrouter.ai/api//', 'https://openrouter.ai', '/api'],
    ['https://api.anthropic.com:443/', 'https://api.anthropic.com', ''],
    ['http://gateway.local:80/x', 'http://gateway.local', '/x'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080', ''],
    ['https://gateway.local:8443/prefix', 'https://gateway.local:8443', '/prefix'],
    ['http://[::1]:9000/p/', 'http://[::1]:9000', '/p'],
    ['HTTPS://API.Example.COM/Path', 'https://api.example.com', '/Path'],
  ])('splits %s into origin %s and base path "%s"', (baseUrl, origin, basePath) => {
    expect(parseBaseUrl(baseUrl, 'p')).toEqual({ origin, basePath });
  });

  it.each([
    ['api.anthropic.com', 'not an absolute URL'],
    ['', 'not an absolute URL'],
    ['ftp://files.example.com', 'must use http or https, not "ftp"'],
    ['https://user:secret@example.com', 'must not contain credentials'],
    ['https://example.com/api?key=1', 'must not have a query or fragment'],
    ['https://example.com/api?', 'must not have a query or fragment'],
    ['https://example.com/api#top', 'must not have a query or fragment'],
  ])('rejects %j', (baseUrl, problem) => {
    let thrown: unknown;
    try {
      parseBaseUrl(baseUrl, 'broken');
    } catch (error) {
      thrown = error;
    }
    expect(ProviderError.is(thrown, 'CCB_PROVIDER_INVALID')).toBe(true);
    expect((thrown as ProviderError).message).toContain('Invalid provider "broken": baseUrl');
    expect((thrown as ProviderError).message).toContain(problem);
  });

  it('never echoes the rejected URL, which may hold a secret', () => {
    for (const baseUrl of ['sk-ant-api03-SECRET', 'https://u:sk-SECRET@h', 'https://h/?key=sk-SECRET']) {
      expect(() => parseBaseUrl(baseUrl, 'p')).toThrow(ProviderError);
      try {
        parseBaseUrl(baseUrl, 'p');
      } catch (error) {
        expect(String((error as Error).message)).not.toContain('SECRET');
        expect((error as Error).cause).toBeUndefined();
      }
    }
  });
});
