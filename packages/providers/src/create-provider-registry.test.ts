import { describe, expect, it } from 'vitest';
import { createProvider } from './create-provider.js';
import { createProviderRegistry } from './create-provider-registry.js';
import { ProviderError } from './provider-error.js';

const anthropic = createProvider({ name: 'anthropic', baseUrl: 'https://api.anthropic.com', apiKey: 'k1' });
const deepseek = createProvider({
  name: 'deepseek',
  baseUrl: 'https://api.deepseek.com/anthropic',
  apiKey: 'k2',
});

describe('createProviderRegistry', () => {
  it('finds providers by name and lists them in registration order', () => {
    const registry = createProviderRegistry([deepseek, anthropic]);
    expect(registry.get('anthropic')).toBe(anthropic);
    expect(registry.require('deepseek')).toBe(deepseek);
    expect(registry.names).toEqual(['deepseek', 'anthropic']);
    expect(registry.list()).toEqual([deepseek, anthropic]);
    expect(Object.isFrozen(registry.list())).toBe(true);
    expect(Object.isFrozen(registry.names)).toBe(true);
  });

  it('returns undefined from get for an unknown name', () => {
    expect(createProviderRegistry([anthropic]).get('openrouter')).toBeUndefined();
  });

  it('throws CCB_PROVIDER_UNKNOWN from require, listing the known names', () => {
    const registry = createProviderRegistry([anthropic, deepseek]);
    expect(() => registry.require('openrouter')).toThrow(
      'Unknown provider "openrouter"; known providers: anthropic, deepseek.',
    );
    try {
      registry.require('openrouter');
    } catch (error) {
      expect(ProviderError.is(error, 'CCB_PROVIDER_UNKNOWN')).toBe(true);
      expect((error as ProviderError).providerName).toBe('openrouter');
    }
    expect(() => createProviderRegistry([]).require('x')).toThrow('known providers: (none)');
  });

  it('rejects two providers with the same name with CCB_PROVIDER_DUPLICATE', () => {
    const twin = createProvider({ name: 'anthropic', baseUrl: 'https://other.example.com', apiKey: 'k3' });
    let thrown: unknown;
    try {
      createProviderRegistry([anthropic, deepseek, twin]);
    } catch (error) {
      thrown = error;
    }
    expect(ProviderError.is(thrown, 'CCB_PROVIDER_DUPLICATE')).toBe(true);
    expect((thrown as ProviderError).message).toBe(
      'Provider name "anthropic" is used twice; give every provider a unique name.',
    );
  });

  it('is not affected by later changes to the input array', () => {
    const providers = [anthropic];
    const registry = createProviderRegistry(providers);
    providers.push(deepseek);
    expect(registry.list()).toEqual([anthropic]);
    expect(registry.get('deepseek')).toBeUndefined();
  });
});
