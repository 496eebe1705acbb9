import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { exchangeAuthorizationCode, ProviderError, refreshTokens } from '../src/index.js';
import { rotatingAnswer, startTokenServer, type TokenServer } from './helpers/token-server.js';

let server: TokenServer;
const now = () => 1_000_000;

beforeAll(async () => {
  server = await startTokenServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  server.answer(rotatingAnswer);
});

describe('exchangeAuthorizationCode', () => {
  it('posts the authorization_code grant as JSON and returns the tokens with an absolute expiry', async () => {
    const tokens = await exchangeAuthorizationCode({
      tokenUrl: server.url,
      clientId: 'client-1',
      redirectUri: 'http://127.0.0.1/callback',
      code: 'the-code',
      state: 'the-state',
      verifier: 'the-verifier',
      now,
    });
    expect(tokens).toEqual({
      accessToken: 'access-1',
      refreshToken: 'refresh-1',
      expiresAt: 1_000_000 + 28_800_000,
      scope: 'user:inference',
    });
    expect(server.requests[0]?.contentType).toBe('application/json');
    expect(server.requests[0]?.body).toEqual({
      grant_type: 'authorization_code',
      code: 'the-code',
      state: 'the-state',
      client_id: 'client-1',
      redirect_uri: 'http://127.0.0.1/callback',
      code_verifier: 'the-verifier',
    });
  });

  it('throws CCB_PROVIDER_OAUTH_INVALID_GRANT for a used code, without the code in the message', async () => {
    server.answer(() => ({
      status: 400,
      json: { error: 'invalid_grant', error_description: 'bad the-code' },
    }));
    const attempt = exchangeAuthorizationCode({
      tokenUrl: server.url,
      clientId: 'c',
      redirectUri: 'http://127.0.0.1/callback',
      code: 'the-code',
      state: 's',
      verifier: 'v',
      providerName: 'max',
    });
    const error = await attempt.catch((caught: unknown) => caught);
    expect(ProviderError.is(error, 'CCB_PROVIDER_OAUTH_INVALID_GRANT')).toBe(true);
    expect((error as Error).message).toContain('"max"');
    expect((error as Error).message).not.toContain('the-code');
  });
});

describe('refreshTokens', () => {
  it('posts the refresh_token grant and keeps the old refresh token when none comes back', async () => {
    server.answer(() => ({ status: 200, json: { access_token: 'new-access', expires_in: 60 } }));
    const result = await refreshTokens({
      tokenUrl: server.url,
      clientId: 'c',
      refreshToken: 'old-refresh',
      scope: 'user:inference',
      now,
    });
    expect(result).toEqual({
      ok: true,
      tokens: { accessToken: 'new-access', refreshToken: 'old-refresh', expiresAt: 1_060_000 },
    });
    expect(server.requests[0]?.body).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'old-refresh',
      client_id: 'c',
      scope: 'user:inference',
    });
  });

  it.each([
    [400, { error: 'invalid_grant' }, 'invalid_grant', 'invalid_grant'],
    [401, { error: 'invalid_client' }, 'rejected', 'invalid_client'],
    [
      403,
      { type: 'error', error: { type: 'permission_error', message: 'x' } },
      'rejected',
      'permission_error',
    ],
    [404, 'not json', 'rejected', 'http_404'],
    [429, { error: 'rate_limited' }, 'transient', 'rate_limited'],
    [503, {}, 'transient', 'http_503'],
    [200, { token_type: 'Bearer' }, 'transient', 'invalid_response'],
    [400, { error: 'sk-ant-ort01-looks like a secret' }, 'rejected', 'http_400'],
  ])('classifies HTTP %i %j as %s (%s)', async (status, json, kind, reason) => {
    server.answer(() => ({ status, json }));
    const result = await refreshTokens({ tokenUrl: server.url, clientId: 'c', refreshToken: 'r' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.kind).toBe(kind);
    expect(result.reason).toBe(reason);
    expect(result.error.message).not.toContain('sk-ant');
  });

  it('reports a refused connection as transient network failure', async () => {
    const closed = await startTokenServer();
    await closed.close();
    const result = await refreshTokens({ tokenUrl: closed.url, clientId: 'c', refreshToken: 'r' });
    expect(result).toMatchObject({ ok: false, kind: 'transient', reason: 'network' });
  });

  it('gives up on an endpoint that never answers after timeoutInMs', async () => {
    server.answer(() => 'hang');
    const result = await refreshTokens({
      tokenUrl: server.url,
      clientId: 'c',
      refreshToken: 'r',
      timeoutInMs: 100,
    });
    expect(result).toMatchObject({ ok: false, kind: 'transient', reason: 'timeout' });
    if (!result.ok) expect(result.error.code).toBe('CCB_PROVIDER_OAUTH_UNAVAILABLE');
  });
});
