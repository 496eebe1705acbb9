import { describe, expect, it } from 'vitest';
import { createApiSurface } from './api-surface.js';

function methodsOf(surface: ReturnType<typeof createApiSurface>, path: string): string | undefined {
  return surface.lookup(path)?.allow;
}

describe('createApiSurface', () => {
  const surface = createApiSurface();

  it('knows the methods of each Anthropic API path', () => {
    expect(methodsOf(surface, '/v1/messages')).toBe('POST');
    expect(methodsOf(surface, '/v1/messages/count_tokens')).toBe('POST');
    expect(methodsOf(surface, '/v1/models')).toBe('GET');
    expect(methodsOf(surface, '/v1/models/claude-sonnet-4-6')).toBe('GET');
    expect(methodsOf(surface, '/v1/messages/batches')).toBe('POST, GET');
    expect(methodsOf(surface, '/v1/messages/batches/msgbatch_01')).toBe('GET, DELETE');
    expect(methodsOf(surface, '/v1/messages/batches/msgbatch_01/cancel')).toBe('POST');
    expect(methodsOf(surface, '/v1/messages/batches/msgbatch_01/results')).toBe('GET');
    expect(methodsOf(surface, '/v1/files')).toBe('POST, GET');
    expect(methodsOf(surface, '/v1/files/file_01')).toBe('GET, DELETE');
    expect(methodsOf(surface, '/v1/files/file_01/content')).toBe('GET');
  });

  it('knows no other path', () => {
    for (const path of [
      '/v1/complete',
      '/v1/organizations/me',
      '/v1/messages/x',
      '/v1/models/a/b',
      '/v1/files/a/b',
    ]) {
      expect(surface.lookup(path), path).toBeUndefined();
    }
  });

  it('gives the media type each body must have', () => {
    expect(surface.lookup('/v1/messages')?.methods.get('POST')).toBe('application/json');
    expect(surface.lookup('/v1/files')?.methods.get('POST')).toBe('multipart/form-data');
    expect(surface.lookup('/v1/files')?.methods.get('GET')).toBeUndefined();
  });

  it('adds the extra routes, literal or with wildcards, without retyping a built-in one', () => {
    const extended = createApiSurface([
      'GET /v1/organizations/*',
      'POST /v1/organizations/*/invites',
      'PUT /v1/messages',
      'POST /v1/messages',
      'GET /v1/messages/*',
    ]);
    expect(methodsOf(extended, '/v1/organizations/me')).toBe('GET');
    expect(methodsOf(extended, '/v1/organizations/org_1/invites')).toBe('POST');
    expect(methodsOf(extended, '/v1/organizations')).toBeUndefined();
    expect(methodsOf(extended, '/v1/messages')).toBe('POST, PUT');
    expect(extended.lookup('/v1/messages')?.methods.get('POST')).toBe('application/json');
    // A wildcard route also applies to a literal path it matches.
    expect(methodsOf(extended, '/v1/messages/batches')).toBe('POST, GET');
    expect(methodsOf(extended, '/v1/messages/count_tokens')).toBe('POST, GET');
    expect(methodsOf(extended, '/v1/messages/msg_1')).toBe('GET');
    expect(extended.methods).toEqual(['POST', 'GET', 'DELETE', 'PUT']);
  });

  it('refuses an extra route it cannot read', () => {
    expect(() => createApiSurface(['GET /v2/x'])).toThrow(
      /extra API route "GET \/v2\/x": the path must start with \/v1\//,
    );
  });
});
