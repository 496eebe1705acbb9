import { describe, expect, it } from 'vitest';
import { normalizeExtraHeaders } from './normalize-extra-headers.js';
import { ProviderError } from './provider-error.js';

function problemOf(headers: Record<string, string>): string {
  try {
    normalizeExtraHeaders(headers, 'p');
  } catch (error) {
    if (ProviderError.is(error, 'CCB_PROVIDER_INVALID')) return error.message;
  }
  throw new Error('expected a CCB_PROVIDER_INVALID error');
}

describe('normalizeExtraHeaders', () => {
  it('returns frozen lower-case pairs in config order', () => {
    const pairs = normalizeExtraHeaders({ 'X-Org-Id': 'org-1', 'anthropic-beta': 'a,b' }, 'p');
    expect(pairs).toEqual([
      ['x-org-id', 'org-1'],
      ['anthropic-beta', 'a,b'],
    ]);
    expect(Object.isFrozen(pairs)).toBe(true);
    expect(Object.isFrozen(pairs[0])).toBe(true);
  });

  it('returns one shared frozen empty list when no headers are configured', () => {
    expect(normalizeExtraHeaders(undefined, 'a')).toBe(normalizeExtraHeaders(undefined, 'b'));
    expect(normalizeExtraHeaders(undefined, 'a')).toEqual([]);
    expect(normalizeExtraHeaders({}, 'a')).toEqual([]);
  });

  it.each([
    'host',
    'Connection',
    'content-length',
    'Transfer-Encoding',
    'keep-alive',
    'te',
    'upgrade',
    'x-api-key',
    'Authorization',
    'proxy-authorization',
  ])('rejects the managed header %s', (name) => {
    expect(problemOf({ [name]: 'value' })).toContain(`must not set "${name.toLowerCase()}"`);
  });

  it('points credential headers to apiKey and authType', () => {
    expect(problemOf({ 'x-api-key': 'k' })).toContain('set the credential with apiKey and authType');
  });

  it('rejects invalid names, duplicates by case and values with line breaks', () => {
    expect(problemOf({ 'bad name': 'v' })).toContain('"bad name" is not a valid HTTP field name');
    expect(problemOf({ ':authority': 'v' })).toContain('not a valid HTTP field name');
    expect(problemOf({ 'X-A': '1', 'x-a': '2' })).toContain('"x-a" is set twice');
    expect(problemOf({ 'x-a': 'one\r\nx-injected: two' })).toContain('"x-a" must have a string value');
  });

  it('names the header but never its value in errors', () => {
    expect(problemOf({ 'x-secret': 'sk-SECRET\n' })).not.toContain('SECRET');
    expect(problemOf({ authorization: 'Bearer sk-SECRET' })).not.toContain('SECRET');
  });
});
