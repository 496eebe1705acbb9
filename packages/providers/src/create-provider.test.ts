import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createProvider, type ProviderOptions } from './create-provider.js';
import type { CredentialSource, HeaderPair } from './provider.js';
import { ProviderError } from './provider-error.js';

const secret = 'sk-ant-api03-SECRET-must-not-leak';

function invalidMessage(options: ProviderOptions): string {
  try {
    createProvider(options);
  } catch (error) {
    if (ProviderError.is(error, 'CCB_PROVIDER_INVALID')) return error.message;
    throw error;
  }
  throw new Error('expected createProvider to throw');
}

/** A fake OAuth-like source: fetches asynchronously on first use, caches, refreshes after invalidate(). */
class RefreshingSource implements CredentialSource {
  fetches = 0;
  #cached: readonly HeaderPair[] | undefined;

  headers(): readonly HeaderPair[] | Promise<readonly HeaderPair[]> {
    if (this.#cached !== undefined) return this.#cached;
    return Promise.resolve().then(() => {
      this.fetches++;
      this.#cached = Object.freeze([
        Object.freeze(['authorization', `Bearer token-${this.fetches}`] as const),
      ]);
      return this.#cached;
    });
  }

  async invalidate(): Promise<boolean> {
    this.#cached = undefined;
    return true;
  }
}

describe('createProvider', () => {
  describe('credentials', () => {
    it('sends an api_key credential as x-api-key, by default, as the same frozen array every time', () => {
      const provider = createProvider({
        name: 'anthropic',
        baseUrl: 'https://api.anthropic.com',
        apiKey: 'k1',
      });
      const headers = provider.credentialHeaders();
      expect(provider.authType).toBe('api_key');
      expect(headers).toEqual([['x-api-key', 'k1']]);
      expect(Object.isFrozen(headers)).toBe(true);
      expect(provider.credentialHeaders()).toBe(headers);
      expect(provider.forwardsClientCredentials).toBe(false);
    });

    it('sends a bearer credential as an authorization header', () => {
      const provider = createProvider({
        name: 'openrouter',
        baseUrl: 'https://openrouter.ai/api',
        authType: 'bearer',
        apiKey: 'or-key',
      });
      expect(provider.credentialHeaders()).toEqual([['authorization', 'Bearer or-key']]);
      expect(provider.forwardsClientCredentials).toBe(false);
    });

    it('sends no credential for passthrough and forwards the client credentials instead', () => {
      const provider = createProvider({
        name: 'own',
        baseUrl: 'https://api.anthropic.com',
        authType: 'passthrough',
      });
      expect(provider.credentialHeaders()).toEqual([]);
      expect(Object.isFrozen(provider.credentialHeaders())).toBe(true);
      expect(provider.forwardsClientCredentials).toBe(true);
      expect(provider.invalidateCredentials()).toBe(false);
    });

    it('answers invalidateCredentials with false for static keys', () => {
      const provider = createProvider({ name: 'a', baseUrl: 'https://api.anthropic.com', apiKey: 'k' });
      expect(provider.invalidateCredentials()).toBe(false);
      expect(provider.credentialHeaders()).toEqual([['x-api-key', 'k']]);
    });

    it('takes the credential from an async source, which refreshes after invalidateCredentials', async () => {
      const source = new RefreshingSource();
      const provider = createProvider({
        name: 'max-account',
        baseUrl: 'https://api.anthropic.com',
        authType: 'bearer',
        credentials: source,
      });

      const first = provider.credentialHeaders();
      expect(first).toBeInstanceOf(Promise);
      expect(await first).toEqual([['authorization', 'Bearer token-1']]);
      // Cached: synchronous again, no second fetch.
      expect(provider.credentialHeaders()).toEqual([['authorization', 'Bearer token-1']]);

      await expect(provider.invalidateCredentials()).resolves.toBe(true);
      expect(await provider.credentialHeaders()).toEqual([['authorization', 'Bearer token-2']]);
      expect(source.fetches).toBe(2);
    });

    it('requires the oauth beta for an oauth provider and no beta otherwise', () => {
      const oauth = createProvider({
        name: 'max',
        baseUrl: 'https://api.anthropic.com',
        authType: 'oauth',
        credentials: new RefreshingSource(),
      });
      const apiKey = createProvider({ name: 'a', baseUrl: 'https://api.anthropic.com', apiKey: 'k' });
      const passthrough = createProvider({
        name: 'p',
        baseUrl: 'https://api.anthropic.com',
        authType: 'passthrough',
      });
      expect(oauth.requiredBetas).toEqual(['oauth-2025-04-20']);
      expect(Object.isFrozen(oauth.requiredBetas)).toBe(true);
      expect(apiKey.requiredBetas).toEqual([]);
      expect(apiKey.requiredBetas).toBe(passthrough.requiredBetas);
      expect(Object.isFrozen(apiKey.requiredBetas)).toBe(true);
      expect(JSON.stringify(oauth)).not.toContain('Bearer');
    });

    it('answers invalidateCredentials with false when the source cannot invalidate', () => {
      const provider = createProvider({
        name: 'fixed',
        baseUrl: 'https://api.anthropic.com',
        credentials: { headers: () => [['x-api-key', 'from-store']] },
      });
      expect(provider.invalidateCredentials()).toBe(false);
      expect(provider.credentialHeaders()).toEqual([['x-api-key', 'from-store']]);
    });
  });

  describe('location', () => {
    it('precomputes origin and base path, dropping the trailing slash', () => {
      const provider = createProvider({
        name: 'zai',
        baseUrl: 'https://api.z.ai/api/anthropic/',
        authType: 'bearer',
        apiKey: 'k',
      });
      expect(provider.origin).toBe('https://api.z.ai');
      expect(provider.basePath).toBe('/api/anthropic');
    });

    it('omits default ports from the origin and keeps explicit ones', () => {
      const origin = (baseUrl: string) => createProvider({ name: 'p', baseUrl, apiKey: 'k' }).origin;
      expect(origin('https://api.anthropic.com:443')).toBe('https://api.anthropic.com');
      expect(origin('http://localhost:80/')).toBe('http://localhost');
      expect(origin('http://127.0.0.1:8787')).toBe('http://127.0.0.1:8787');
      expect(origin('https://gateway.internal:8443/anthropic')).toBe('https://gateway.internal:8443');
    });
  });

  describe('extra headers and models', () => {
    it('exposes config headers as frozen lower-case pairs', () => {
      const provider = createProvider({
        name: 'p',
        baseUrl: 'https://api.anthropic.com',
        apiKey: 'k',
        headers: { 'X-Team': 'infra', 'anthropic-beta': 'oauth-2025-04-20' },
      });
      expect(provider.extraHeaders).toEqual([
        ['x-team', 'infra'],
        ['anthropic-beta', 'oauth-2025-04-20'],
      ]);
      expect(Object.isFrozen(provider.extraHeaders)).toBe(true);
    });

    it('maps models exactly first, then by glob, and rewrites bodies', () => {
      const provider = createProvider({
        name: 'deepseek',
        baseUrl: 'https://api.deepseek.com/anthropic',
        apiKey: 'k',
        modelMap: {
          'claude-opus*': 'deepseek-v4-pro',
          'claude-*': 'deepseek-flash',
          'claude-opus-4-1': 'legacy',
        },
      });
      expect(provider.mapModel('claude-opus-4-1')).toBe('legacy');
      expect(provider.mapModel('claude-opus-5-5')).toBe('deepseek-v4-pro');
      expect(provider.mapModel('claude-haiku-5-5')).toBe('deepseek-flash');
      expect(provider.mapModel('deepseek-chat')).toBeUndefined();
    });
  });

  it('returns a frozen provider', () => {
    const provider = createProvider({ name: 'p', baseUrl: 'https://api.anthropic.com', apiKey: 'k' });
    expect(Object.isFrozen(provider)).toBe(true);
  });

  describe('validation', () => {
    const base = { name: 'bad', baseUrl: 'https://api.anthropic.com' } as const;

    it.each<[string, ProviderOptions, string]>([
      ['an empty name', { ...base, name: ' ', apiKey: 'k' }, 'name must be a non-empty string'],
      [
        'an unknown auth type',
        { ...base, authType: 'cookie' as 'bearer', apiKey: 'k' },
        'authType must be one of "api_key", "bearer", "passthrough" or "oauth"',
      ],
      ['oauth without a credential source', { ...base, authType: 'oauth' }, 'needs credentials'],
      ['a relative base URL', { ...base, baseUrl: '/v1', apiKey: 'k' }, 'baseUrl is not an absolute URL'],
      ['a base URL with a query', { ...base, baseUrl: 'https://h/?a=1', apiKey: 'k' }, 'query or fragment'],
      ['a missing api key', { ...base }, 'apiKey is required for authType "api_key"'],
      ['a missing bearer token', { ...base, authType: 'bearer' }, 'apiKey is required for authType "bearer"'],
      ['an empty api key', { ...base, apiKey: '' }, 'apiKey is empty or not a string'],
      ['a key with a trailing newline', { ...base, apiKey: 'k\n' }, 'leading or trailing whitespace'],
      ['a key with a control character', { ...base, apiKey: 'k\u0000k' }, 'contains control characters'],
      ['a key for passthrough', { ...base, authType: 'passthrough', apiKey: 'k' }, 'forwards the client'],
      [
        'a credential source for passthrough',
        { ...base, authType: 'passthrough', credentials: { headers: () => [] } },
        'forwards the client',
      ],
      ['both a key and a source', { ...base, apiKey: 'k', credentials: { headers: () => [] } }, 'not both'],
      [
        'a source without headers()',
        { ...base, credentials: {} as CredentialSource },
        'credentials must be an object with a headers() method',
      ],
      [
        'a credential header',
        { ...base, apiKey: 'k', headers: { Authorization: 'x' } },
        'must not set "authorization"',
      ],
      [
        'a hop-by-hop header',
        { ...base, apiKey: 'k', headers: { connection: 'close' } },
        'must not set "connection"',
      ],
      [
        'an empty model target',
        { ...base, apiKey: 'k', modelMap: { 'claude-*': '' } },
        'modelMap["claude-*"]',
      ],
    ])('rejects %s with CCB_PROVIDER_INVALID', (_label, options, problem) => {
      const message = invalidMessage(options);
      expect(message).toContain(problem);
      expect(message).toMatch(/^Invalid provider "/);
    });

    it('names the provider in validation errors', () => {
      const message = invalidMessage({ name: 'deepseek', baseUrl: 'https://api.deepseek.com/anthropic' });
      expect(message).toBe('Invalid provider "deepseek": apiKey is required for authType "api_key".');
    });
  });

  describe('secrets', () => {
    const provider = createProvider({
      name: 'anthropic',
      baseUrl: 'https://api.anthropic.com',
      apiKey: secret,
      headers: { 'x-org-token': secret },
      modelMap: { 'claude-*': 'claude-opus-5-5' },
    });

    it('describes itself in JSON with name, origin, base path, auth type and masked credentials', () => {
      const json = JSON.stringify(provider);
      expect(JSON.parse(json)).toEqual({
        name: 'anthropic',
        origin: 'https://api.anthropic.com',
        basePath: '',
        authType: 'api_key',
        credentials: '***',
        headerNames: ['x-org-token'],
        modelMap: { 'claude-*': 'claude-opus-5-5' },
      });
      expect(json).not.toContain('SECRET');
    });

    it('keeps the key and header values out of util.inspect, even with hidden properties shown', () => {
      for (const output of [
        inspect(provider),
        inspect(provider, { showHidden: true, depth: Number.POSITIVE_INFINITY }),
        inspect({ nested: [provider] }, { depth: 5 }),
      ]) {
        expect(output).not.toContain('SECRET');
        expect(output).toContain("credentials: '***'");
      }
      expect(inspect(provider)).toMatch(/^Provider \{/);
    });

    it('keeps the key out of toString, template strings and object spreads', () => {
      expect(String(provider)).toBe('[Provider anthropic https://api.anthropic.com]');
      expect(`${provider}`).not.toContain('SECRET');
      expect(Object.keys(provider)).not.toContain('toString');
      expect(JSON.stringify(Object.keys({ ...provider }))).not.toContain('SECRET');
    });

    it('shows passthrough credentials as coming from the client', () => {
      const passthrough = createProvider({
        name: 'own',
        baseUrl: 'http://127.0.0.1:1/p/',
        authType: 'passthrough',
      });
      expect(passthrough.toJSON()).toMatchObject({
        credentials: 'client',
        basePath: '/p',
        authType: 'passthrough',
      });
    });

    it('never puts the key into validation errors', () => {
      const messages = [
        invalidMessage({ name: 'p', baseUrl: secret, apiKey: 'k' }),
        invalidMessage({ name: 'p', baseUrl: 'https://h', apiKey: `${secret}\n` }),
        invalidMessage({ name: 'p', baseUrl: 'https://h', apiKey: ` ${secret}` }),
        invalidMessage({ name: 'p', baseUrl: 'https://h', apiKey: `${secret}\u0001` }),
        invalidMessage({ name: 'p', baseUrl: 'https://h', authType: 'passthrough', apiKey: secret }),
        invalidMessage({ name: 'p', baseUrl: 'https://h', apiKey: secret, headers: { 'x-api-key': secret } }),
        invalidMessage({
          name: 'p',
          baseUrl: 'https://h',
          apiKey: secret,
          headers: { 'x-a': `${secret}\r\n` },
        }),
        invalidMessage({
          name: 'p',
          baseUrl: 'https://h',
          apiKey: secret,
          credentials: { headers: () => [] },
        }),
      ];
      for (const message of messages) expect(message).not.toContain('SECRET');
    });
  });
});

describe('createProvider with an adapter', () => {
  const adapter = { prepare: () => undefined };

  it('keeps the adapter opaque and sends no credential of its own', () => {
    const provider = createProvider({
      name: 'br',
      baseUrl: 'https://bedrock-runtime.us-east-1.amazonaws.com',
      adapter,
    });
    expect(provider.adapter).toBe(adapter);
    expect(provider.credentialHeaders()).toEqual([]);
    expect(provider.invalidateCredentials()).toBe(false);
  });

  it('has no adapter key at all without one', () => {
    expect(
      'adapter' in createProvider({ name: 'a', baseUrl: 'https://api.anthropic.com', apiKey: 'k' }),
    ).toBe(false);
  });

  it('refuses an adapter with a key of its own', () => {
    expect(() =>
      createProvider({ name: 'br', baseUrl: 'https://example.com', apiKey: 'k', adapter }),
    ).toThrow(/an adapter authenticates requests itself/);
  });

  it('takes the credential headers of a source next to an adapter, and renews them through it', async () => {
    let invalidated = 0;
    const provider = createProvider({
      name: 'vx',
      baseUrl: 'https://us-east5-aiplatform.googleapis.com',
      adapter,
      credentials: {
        headers: () => Promise.resolve([['authorization', 'Bearer ya29.t'] as const]),
        invalidate: () => {
          invalidated++;
          return true;
        },
      },
    });
    expect(await provider.credentialHeaders()).toEqual([['authorization', 'Bearer ya29.t']]);
    expect(provider.invalidateCredentials()).toBe(true);
    expect(invalidated).toBe(1);
  });
});
