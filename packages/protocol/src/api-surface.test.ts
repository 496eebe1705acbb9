import { describe, expect, it } from 'vitest';
import { apiSurfaceOf, judgesCredentials } from './api-surface.js';

describe('apiSurfaceOf', () => {
  it.each([
    ['/v1/messages', 'messages'],
    ['/v1/messages/count_tokens', 'count_tokens'],
    ['/v1/models', 'models'],
    ['/v1/models/claude-sonnet-4-6', 'models'],
    ['/v1/messages/batches', 'other'],
    ['/v1/modelsx', 'other'],
    ['/v1/organizations/api_keys', 'other'],
    ['/v1/whatever', 'other'],
  ])('reads %s as %s', (path, surface) => {
    expect(apiSurfaceOf(path)).toBe(surface);
  });

  it('lets only the Messages API and its token counter judge credentials', () => {
    expect(
      ['messages', 'count_tokens', 'models', 'other'].filter((api) => judgesCredentials(api as never)),
    ).toEqual(['messages', 'count_tokens']);
  });
});
