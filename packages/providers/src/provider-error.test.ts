import { describe, expect, it } from 'vitest';
import { invalidProviderError, ProviderError } from './provider-error.js';

describe('ProviderError', () => {
  it('carries a stable code, the provider name and the cause', () => {
    const cause = new Error('root');
    const error = new ProviderError('CCB_PROVIDER_UNKNOWN', 'Unknown provider "x".', {
      providerName: 'x',
      cause,
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ProviderError');
    expect(error.code).toBe('CCB_PROVIDER_UNKNOWN');
    expect(error.providerName).toBe('x');
    expect(error.cause).toBe(cause);
  });

  it('recognises a provider error from another copy of the package by its brand and code', () => {
    const foreign = Object.assign(new Error('from a duplicate install'), {
      code: 'CCB_PROVIDER_DUPLICATE',
      [Symbol.for('ccb.error')]: true,
    });
    expect(ProviderError.is(foreign)).toBe(true);
    expect(ProviderError.is(foreign, 'CCB_PROVIDER_DUPLICATE')).toBe(true);
    expect(ProviderError.is(foreign, 'CCB_PROVIDER_INVALID')).toBe(false);
  });

  it('rejects errors of other ccb packages, unbranded errors and non-objects', () => {
    const proxyError = Object.assign(new Error('proxy'), {
      code: 'CCB_PROXY_BODY_TOO_LARGE',
      [Symbol.for('ccb.error')]: true,
    });
    expect(ProviderError.is(proxyError)).toBe(false);
    expect(ProviderError.is(Object.assign(new Error('plain'), { code: 'CCB_PROVIDER_INVALID' }))).toBe(false);
    expect(ProviderError.is(undefined)).toBe(false);
    expect(ProviderError.is('CCB_PROVIDER_INVALID')).toBe(false);
  });

  it('builds invalid-provider errors that name the provider', () => {
    const error = invalidProviderError('deepseek', 'apiKey is required.');
    expect(error.code).toBe('CCB_PROVIDER_INVALID');
    expect(error.providerName).toBe('deepseek');
    expect(error.message).toBe('Invalid provider "deepseek": apiKey is required.');
  });
});
