import { claudeOAuth } from '@ccb/protocol';
import { describe, expect, it } from 'vitest';
import { buildAuthorizeUrl } from './build-authorize-url.js';

describe('buildAuthorizeUrl', () => {
  it("carries Claude Code's parameters in Claude Code's order", () => {
    const href = buildAuthorizeUrl({
      authorizeUrl: claudeOAuth.authorizeUrl,
      clientId: claudeOAuth.clientId,
      redirectUri: claudeOAuth.redirectUri,
      scopes: claudeOAuth.scopes,
      challenge: 'the-challenge',
      state: 'the-state',
    });
    const url = new URL(href);
    expect(`${url.origin}${url.pathname}`).toBe(claudeOAuth.authorizeUrl);
    expect([...url.searchParams]).toEqual([
      ['code', 'true'],
      ['client_id', claudeOAuth.clientId],
      ['response_type', 'code'],
      ['redirect_uri', claudeOAuth.redirectUri],
      ['scope', claudeOAuth.scopes],
      ['code_challenge', 'the-challenge'],
      ['code_challenge_method', 'S256'],
      ['state', 'the-state'],
    ]);
  });

  it('keeps parameters already in the authorize URL', () => {
    const href = buildAuthorizeUrl({
      authorizeUrl: 'http://127.0.0.1:9/authorize?tenant=a',
      clientId: 'c',
      redirectUri: 'http://127.0.0.1:9/callback',
      scopes: 'user:inference',
      challenge: 'x',
      state: 'y',
    });
    expect(new URL(href).searchParams.get('tenant')).toBe('a');
  });
});
