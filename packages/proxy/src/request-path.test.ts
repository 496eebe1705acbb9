import { describe, expect, it } from 'vitest';
import { normalizeRequestPath } from './request-path.js';

function refusal(path: string): string {
  const result = normalizeRequestPath(path);
  return typeof result === 'string' ? `(accepted as ${result})` : result.refused;
}

describe('normalizeRequestPath', () => {
  it('keeps ordinary paths as they are, the very same string', () => {
    for (const path of [
      '/',
      '/v1/messages',
      '/v1/messages/count_tokens',
      '/v1/models/claude-sonnet-4-6',
      '/v1/files/file_011CNha8iCJcU1wXNR6q4V8w/content',
      "/v1/x/a-b_c.d~e!$&'()*+,;=:@",
      '/healthz',
      '/v1/.well-known',
      '/v1/...',
      '/v1/a.',
      '/v1/..a',
    ]) {
      expect(normalizeRequestPath(path)).toBe(path);
    }
  });

  it('decodes escapes of unreserved characters, in either case, so every spelling is one path', () => {
    expect(normalizeRequestPath('/v1/%6Dessages')).toBe('/v1/messages');
    expect(normalizeRequestPath('/v1/%6dessages')).toBe('/v1/messages');
    expect(normalizeRequestPath('/%76%31/%6D%65%73%73%61%67%65%73')).toBe('/v1/messages');
    expect(normalizeRequestPath('/v1/messages/count%5Ftokens')).toBe('/v1/messages/count_tokens');
    expect(normalizeRequestPath('/v1/models/claude%2Dopus%7E1')).toBe('/v1/models/claude-opus~1');
  });

  it('keeps other escapes, upper-cased, and decodes nothing twice', () => {
    expect(normalizeRequestPath('/v1/files/a%20b')).toBe('/v1/files/a%20b');
    expect(normalizeRequestPath('/v1/files/%3a%3f%23')).toBe('/v1/files/%3A%3F%23');
    expect(normalizeRequestPath('/v1/files/%C3%A9')).toBe('/v1/files/%C3%A9');
    expect(normalizeRequestPath('/v1/files/%e2%82%ac')).toBe('/v1/files/%E2%82%AC');
  });

  it('refuses dot segments, raw or encoded in any case', () => {
    for (const path of [
      '/v1/../..',
      '/v1/..',
      '/v1/./messages',
      '/./v1/messages',
      '/v1/messages/.',
      '/..',
      '/v1/%2e%2e/x',
      '/v1/%2E%2e/x',
      '/v1/.%2E/x',
      '/v1/%2e/messages',
      '/v1/%2e',
    ]) {
      expect(refusal(path), path).toBe('the request path has a "." or ".." segment');
    }
  });

  it('refuses empty segments, a trailing slash included, but not the root', () => {
    for (const path of ['//', '//v1/messages', '/v1//messages', '/v1/messages/', '/v1/messages//']) {
      expect(refusal(path), path).toBe('the request path has an empty segment ("//" or a trailing "/")');
    }
    expect(normalizeRequestPath('/')).toBe('/');
  });

  it('refuses encoded separators and raw backslashes', () => {
    for (const path of [
      '/v1/a%2Fb',
      '/v1/a%2fb',
      '/v1%2F..%2F..',
      '/v1/a%5Cb',
      '/v1/a%5cb',
      '/v1\\..\\x',
      '/v1/a\\b',
    ]) {
      expect(refusal(path), path).toBe(
        'the request path has a backslash or an encoded "/" or "\\" (%2F, %5C)',
      );
    }
  });

  it('refuses NUL and other control characters, raw or encoded', () => {
    for (const path of [
      '/v1/messages%00',
      '/v1/messages\0',
      '/v1/a%0Ab',
      '/v1/a%0db',
      '/v1/a%7F',
      '/v1/a\tb',
      '/v1/a\x7f',
    ]) {
      expect(refusal(path), JSON.stringify(path)).toBe(
        'the request path has NUL or another control character',
      );
    }
  });

  it('refuses an encoded "%", which an upstream decoding twice would read as another escape', () => {
    expect(refusal('/v1/%252e%252e/x')).toBe('the request path has an encoded "%" (%25): double encoding');
    expect(refusal('/v1/a%25')).toBe('the request path has an encoded "%" (%25): double encoding');
  });

  it('refuses malformed escapes: a lone %, a short one, non-hex digits', () => {
    for (const path of ['/v1/%', '/v1/messages%', '/v1/%4', '/v1/%G1', '/v1/%1G', '/v1/%%41', '/v1/%-1']) {
      expect(refusal(path), path).toBe('the request path has a malformed percent-escape');
    }
  });

  it('refuses escapes that do not spell UTF-8, overlong dots included', () => {
    for (const path of [
      '/v1/%C0%AE%C0%AE/x',
      '/v1/%FF',
      '/v1/%C3',
      '/v1/%C3%28',
      '/v1/%ED%A0%80',
      '/v1/%80',
    ]) {
      expect(refusal(path), path).toBe('the request path has percent-escapes that are not UTF-8');
    }
  });

  it('refuses characters that RFC 3986 does not allow raw in a path', () => {
    for (const path of [
      '/v1/a b',
      '/v1/a"b',
      '/v1/a#b',
      '/v1/a<b>',
      '/v1/{x}',
      '/v1/a|b',
      '/v1/a^b',
      '/v1/`',
      '/v1/[x]',
      '/v1/é',
      '/v1/\u2028',
    ]) {
      expect(refusal(path), path).toBe('the request path has a character that must be percent-encoded');
    }
  });

  it('refuses targets that are not a path: the absolute form, the asterisk form, a bare query', () => {
    for (const path of ['http://127.0.0.1:8000/v1/messages', '*', '', 'v1/messages']) {
      expect(refusal(path), path).toBe('the request target must be a path starting with "/"');
    }
  });
});
