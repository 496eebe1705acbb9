import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createMockUpstream } from '../src/create-mock-upstream.js';
import type { MockOAuthOptions } from '../src/mock-oauth.js';
import type { MockOAuthUpstream, MockUpstreamOptions } from '../src/mock-upstream.js';
import { MockUpstreamError } from '../src/mock-upstream-error.js';
import { jsonOf, messagesBody, postJson, startMock } from './helpers.js';

const beta = 'oauth-2025-04-20';

async function startOAuthMock(
  options: MockUpstreamOptions = {},
  oauth: true | MockOAuthOptions = true,
): Promise<MockOAuthUpstream> {
  return (await startMock({ ...options, oauth })) as MockOAuthUpstream;
}

function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function ask(mock: MockOAuthUpstream, accessToken: string, headers: Record<string, string> = {}) {
  return postJson(`${mock.url}/v1/messages`, messagesBody(), {
    authorization: `Bearer ${accessToken}`,
    'anthropic-beta': `fine-grained-tool-streaming-2025-05-14,${beta}`,
    ...headers,
  });
}

function token(mock: MockOAuthUpstream, body: Record<string, unknown>) {
  return postJson(mock.oauth.tokenUrl, body);
}

describe('the token endpoint', () => {
  it('exchanges an approved code for tokens when the PKCE verifier matches the challenge', async () => {
    const mock = await startOAuthMock();
    const { verifier, challenge } = pkcePair();
    const code = mock.oauth.authorize({ challenge, state: 'state-1', scope: 'user:inference' });
    const response = await token(mock, {
      grant_type: 'authorization_code',
      code,
      state: 'state-1',
      code_verifier: verifier,
      client_id: 'any',
      redirect_uri: 'https://example.test/callback',
    });
    expect(response.status).toBe(200);
    const tokens = await jsonOf(response);
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 28_800, scope: 'user:inference' });
    expect(tokens.access_token).toMatch(/^sk-ant-oat01-/);
    expect(tokens.refresh_token).toMatch(/^sk-ant-ort01-/);
    expect((await ask(mock, tokens.access_token)).status).toBe(200);
    expect(mock.oauth.tokenRequests).toMatchObject([
      { grantType: 'authorization_code', status: 200, error: null, account: 'default' },
    ]);
    expect(mock.requests).toHaveLength(1);
  });

  it('refuses a wrong verifier, a wrong state, an unknown code and a code used twice with invalid_grant', async () => {
    const mock = await startOAuthMock();
    const { verifier, challenge } = pkcePair();
    const exchange = (code: string, extra: Record<string, unknown> = {}) =>
      token(mock, { grant_type: 'authorization_code', code, code_verifier: verifier, state: 's', ...extra });

    const wrongVerifier = await exchange(mock.oauth.authorize({ challenge, state: 's' }), {
      code_verifier: pkcePair().verifier,
    });
    expect(wrongVerifier.status).toBe(400);
    expect(await jsonOf(wrongVerifier)).toMatchObject({ error: 'invalid_grant' });
    const wrongState = await exchange(mock.oauth.authorize({ challenge, state: 's' }), { state: 'other' });
    expect(await jsonOf(wrongState)).toMatchObject({ error: 'invalid_grant' });
    expect(await jsonOf(await exchange('mockcode-unknown'))).toMatchObject({ error: 'invalid_grant' });
    const code = mock.oauth.authorize({ challenge, state: 's' });
    expect((await exchange(code)).status).toBe(200);
    const again = await exchange(code);
    expect(again.status).toBe(400);
    expect(await jsonOf(again)).toMatchObject({ error: 'invalid_grant' });
    expect(mock.oauth.tokenRequests.map((request) => request.error)).toEqual([
      'invalid_grant',
      'invalid_grant',
      'invalid_grant',
      null,
      'invalid_grant',
    ]);
  });

  it('rotates refresh tokens: a spent one is invalid_grant, the new one works', async () => {
    const mock = await startOAuthMock();
    const first = mock.oauth.issueTokens();
    const refreshed = await token(mock, { grant_type: 'refresh_token', refresh_token: first.refreshToken });
    expect(refreshed.status).toBe(200);
    const second = await jsonOf(refreshed);
    expect(second.refresh_token).not.toBe(first.refreshToken);
    expect(second.access_token).not.toBe(first.accessToken);

    const reused = await token(mock, { grant_type: 'refresh_token', refresh_token: first.refreshToken });
    expect(reused.status).toBe(400);
    expect(await jsonOf(reused)).toMatchObject({ error: 'invalid_grant' });
    const next = await token(mock, { grant_type: 'refresh_token', refresh_token: second.refresh_token });
    expect(next.status).toBe(200);
    expect(mock.oauth.tokenRequests.filter((request) => request.grantType === 'refresh_token')).toHaveLength(
      3,
    );
  });

  it('checks client_id when configured and refuses unknown grant types and non-JSON bodies', async () => {
    const mock = await startOAuthMock({}, { clientId: 'client-1' });
    const { refreshToken } = mock.oauth.issueTokens();
    const wrongClient = await token(mock, { grant_type: 'refresh_token', refresh_token: refreshToken });
    expect(wrongClient.status).toBe(401);
    expect(await jsonOf(wrongClient)).toMatchObject({ error: 'invalid_client' });
    const password = await token(mock, { grant_type: 'password', client_id: 'client-1' });
    expect(await jsonOf(password)).toMatchObject({ error: 'unsupported_grant_type' });
    const notJson = await postJson(mock.oauth.tokenUrl, 'grant_type=refresh_token');
    expect(notJson.status).toBe(400);
    expect(await jsonOf(notJson)).toMatchObject({ error: 'invalid_request' });
    const ok = await token(mock, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: 'client-1',
    });
    expect(ok.status).toBe(200);
  });

  it('fails transiently on injected token faults, which leave Messages faults alone', async () => {
    const mock = await startOAuthMock();
    const { refreshToken, accessToken } = mock.oauth.issueTokens();
    mock.oauth.injectTokenFault({ kind: 'status', status: 503 }, 2);
    const refresh = () => token(mock, { grant_type: 'refresh_token', refresh_token: refreshToken });
    expect((await ask(mock, accessToken)).status).toBe(200);
    expect((await refresh()).status).toBe(503);
    expect((await refresh()).status).toBe(503);
    // A failed attempt spends nothing: the same refresh token still works.
    expect((await refresh()).status).toBe(200);
    expect(mock.oauth.tokenRequests.map((request) => request.status)).toEqual([503, 503, 200]);
    expect(() => mock.oauth.injectTokenFault({ kind: 'drop-after', events: 1 })).toThrow(MockUpstreamError);
  });

  it('waits for token requests and counts them apart from API requests', async () => {
    const mock = await startOAuthMock();
    const { refreshToken } = mock.oauth.issueTokens();
    const waiting = mock.oauth.waitForTokenRequests(1);
    await token(mock, { grant_type: 'refresh_token', refresh_token: refreshToken });
    await waiting;
    expect(mock.requestCount).toBe(0);
    mock.reset();
    expect(mock.oauth.tokenRequests).toEqual([]);
  });

  it('revokes an account: invalid_grant for every grant, 403 for its access tokens', async () => {
    const mock = await startOAuthMock();
    const tokens = mock.oauth.issueTokens({ account: 'alice' });
    const other = mock.oauth.issueTokens({ account: 'bob' });
    mock.oauth.revoke('alice');
    const refreshed = await token(mock, { grant_type: 'refresh_token', refresh_token: tokens.refreshToken });
    expect(await jsonOf(refreshed)).toMatchObject({ error: 'invalid_grant' });
    const refused = await ask(mock, tokens.accessToken);
    expect(refused.status).toBe(403);
    expect(await jsonOf(refused)).toMatchObject({
      error: {
        type: 'permission_error',
        message: 'OAuth token has been revoked. Please obtain a new token.',
      },
    });
    expect((await ask(mock, other.accessToken)).status).toBe(200);
    mock.oauth.reinstate('alice');
    expect((await ask(mock, tokens.accessToken)).status).toBe(200);
  });
});

describe('Messages in OAuth mode', () => {
  it('refuses x-api-key, a missing or unknown Bearer, and a Bearer without the OAuth beta with 401', async () => {
    const mock = await startOAuthMock();
    const { accessToken } = mock.oauth.issueTokens();
    const cases: [Record<string, string>, string][] = [
      [
        { 'x-api-key': accessToken, authorization: `Bearer ${accessToken}`, 'anthropic-beta': beta },
        'invalid x-api-key',
      ],
      [{ 'anthropic-beta': beta }, 'x-api-key header is required'],
      [{ authorization: 'Bearer sk-ant-oat01-unknown', 'anthropic-beta': beta }, 'Invalid bearer token'],
      [{ authorization: `Bearer ${accessToken}` }, 'OAuth authentication is currently not supported.'],
      [
        { authorization: `Bearer ${accessToken}`, 'anthropic-beta': 'claude-code-20250219' },
        'OAuth authentication is currently not supported.',
      ],
    ];
    for (const [headers, message] of cases) {
      const response = await postJson(`${mock.url}/v1/messages`, messagesBody(), headers);
      expect(response.status).toBe(401);
      const body = await jsonOf(response);
      expect(body).toMatchObject({ type: 'error', error: { type: 'authentication_error', message } });
      expect(body.request_id).toMatch(/^req_/);
    }
  });

  it('records the received headers, so a test sees the beta list and no x-api-key', async () => {
    const mock = await startOAuthMock();
    const { accessToken } = mock.oauth.issueTokens();
    await ask(mock, accessToken);
    expect(mock.requests[0]?.headers['anthropic-beta']).toBe(
      `fine-grained-tool-streaming-2025-05-14,${beta}`,
    );
    expect(mock.requests[0]?.headers['x-api-key']).toBeUndefined();
    const summary = await jsonOf(await fetch(`${mock.url}/_mock/requests`));
    expect(summary.requests[0].headers.authorization).toBe(`Bearer ${accessToken}`);
  });

  it('expires access tokens on the mock clock and on demand', async () => {
    let nowInMs = 1_800_000_000_000;
    const mock = await startOAuthMock({ now: () => nowInMs }, { accessTokenLifetimeInMs: 60_000 });
    const tokens = mock.oauth.issueTokens();
    expect(tokens).toMatchObject({ expiresIn: 60, expiresAt: nowInMs + 60_000 });
    nowInMs += 59_999;
    expect((await ask(mock, tokens.accessToken)).status).toBe(200);
    nowInMs += 1;
    const expired = await ask(mock, tokens.accessToken);
    expect(expired.status).toBe(401);
    expect((await jsonOf(expired)).error.message).toMatch(/OAuth token has expired/);

    const fresh = mock.oauth.issueTokens();
    expect(mock.oauth.expireAccessTokens()).toBe(1);
    expect((await ask(mock, fresh.accessToken)).status).toBe(401);
  });

  it('bans an account with 403 permission_error and x-should-retry: false', async () => {
    const mock = await startOAuthMock();
    const { accessToken } = mock.oauth.issueTokens();
    mock.oauth.ban(undefined, 'Your account has been disabled after an automatic review.');
    const response = await ask(mock, accessToken);
    expect(response.status).toBe(403);
    expect(response.headers.get('x-should-retry')).toBe('false');
    expect(await jsonOf(response)).toMatchObject({
      error: {
        type: 'permission_error',
        message: 'Your account has been disabled after an automatic review.',
      },
    });
  });

  it('reports the account windows in the unified headers, 429s when one is exhausted and serves after its reset', async () => {
    let nowInMs = 1_800_000_000_000;
    const mock = await startOAuthMock({ now: () => nowInMs });
    const { accessToken } = mock.oauth.issueTokens({ lifetimeInMs: 30 * 24 * 3_600_000 });
    const fresh = await ask(mock, accessToken);
    expect(fresh.headers.get('anthropic-ratelimit-unified-status')).toBe('allowed');
    expect(fresh.headers.get('anthropic-ratelimit-unified-5h-utilization')).toBe('0');
    expect(fresh.headers.get('anthropic-ratelimit-unified-5h-reset')).toBe(String(1_800_000_000 + 18_000));
    expect(fresh.headers.get('anthropic-ratelimit-unified-7d-reset')).toBe(String(1_800_000_000 + 604_800));

    mock.oauth.setUsage({ fiveHour: { utilization: 0.85 }, sevenDay: { utilization: 0.4 } });
    const warned = await ask(mock, accessToken);
    expect(warned.status).toBe(200);
    expect(warned.headers.get('anthropic-ratelimit-unified-status')).toBe('allowed_warning');
    expect(warned.headers.get('anthropic-ratelimit-unified-representative-claim')).toBe('five_hour');
    expect(warned.headers.get('anthropic-ratelimit-unified-7d-utilization')).toBe('0.4');

    const resetAt = nowInMs + 3_600_000;
    mock.oauth.setUsage({ fiveHour: { utilization: 1.01, resetAt } });
    const exhausted = await ask(mock, accessToken);
    expect(exhausted.status).toBe(429);
    expect(exhausted.headers.get('retry-after')).toBeNull();
    expect(exhausted.headers.get('anthropic-ratelimit-unified-status')).toBe('rejected');
    expect(exhausted.headers.get('anthropic-ratelimit-unified-5h-status')).toBe('rejected');
    expect(exhausted.headers.get('anthropic-ratelimit-unified-5h-reset')).toBe(String(resetAt / 1000));
    expect(exhausted.headers.get('anthropic-ratelimit-unified-reset')).toBe(String(resetAt / 1000));
    expect(await jsonOf(exhausted)).toMatchObject({ error: { type: 'rate_limit_error' } });

    nowInMs = resetAt;
    const back = await ask(mock, accessToken);
    expect(back.status).toBe(200);
    expect(back.headers.get('anthropic-ratelimit-unified-5h-utilization')).toBe('0');
  });

  it('names the window with the latest reset when both are exhausted', async () => {
    const nowInMs = 1_800_000_000_000;
    const mock = await startOAuthMock({ now: () => nowInMs });
    const { accessToken } = mock.oauth.issueTokens();
    mock.oauth.setUsage({
      fiveHour: { utilization: 1, resetAt: nowInMs + 3_600_000 },
      sevenDay: { utilization: 1, resetAt: nowInMs + 86_400_000 },
    });
    const response = await ask(mock, accessToken);
    expect(response.status).toBe(429);
    expect(response.headers.get('anthropic-ratelimit-unified-representative-claim')).toBe('seven_day');
    expect(response.headers.get('anthropic-ratelimit-unified-reset')).toBe(
      String((nowInMs + 86_400_000) / 1000),
    );
  });

  it('streams with the unified headers too', async () => {
    const mock = await startOAuthMock();
    const { accessToken } = mock.oauth.issueTokens();
    const response = await postJson(`${mock.url}/v1/messages`, messagesBody({ stream: true }), {
      authorization: `Bearer ${accessToken}`,
      'anthropic-beta': beta,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('anthropic-ratelimit-unified-status')).toBe('allowed');
    expect(await response.text()).toContain('event: message_stop');
  });
});

describe('the OAuth control API', () => {
  it('approves a login, counts token requests, injects token faults and sets windows over HTTP', async () => {
    const mock = await startOAuthMock();
    const { verifier, challenge } = pkcePair();
    const approved = await jsonOf(
      await postJson(`${mock.url}/_mock/oauth/authorize`, { challenge, state: 'st' }),
    );
    expect(approved.paste).toBe(`${approved.code}#st`);
    const fault = await postJson(`${mock.url}/_mock/oauth/token-faults`, {
      fault: { kind: 'status', status: 500 },
    });
    expect(await jsonOf(fault)).toEqual({ pending: 1 });
    const exchange = () =>
      token(mock, {
        grant_type: 'authorization_code',
        code: approved.code,
        state: 'st',
        code_verifier: verifier,
      });
    expect((await exchange()).status).toBe(500);
    const tokens = await jsonOf(await exchange());
    const counted = await jsonOf(await fetch(`${mock.url}/_mock/oauth/token-requests`));
    expect(counted).toMatchObject({ count: 2, requests: [{ status: 500 }, { status: 200 }] });

    const usage = await jsonOf(
      await postJson(`${mock.url}/_mock/oauth/usage`, { fiveHour: { utilization: 2 } }),
    );
    expect(usage.fiveHour.utilization).toBe(2);
    expect((await ask(mock, tokens.access_token)).status).toBe(429);
    await postJson(`${mock.url}/_mock/oauth/usage`, { fiveHour: { utilization: 0 } });
    await postJson(`${mock.url}/_mock/oauth/ban`, {});
    expect((await ask(mock, tokens.access_token)).status).toBe(403);
    await postJson(`${mock.url}/_mock/oauth/reinstate`, {});
    expect(await jsonOf(await postJson(`${mock.url}/_mock/oauth/expire`, {}))).toEqual({ expired: 1 });
    expect((await ask(mock, tokens.access_token)).status).toBe(401);
    const issued = await jsonOf(
      await postJson(`${mock.url}/_mock/oauth/tokens`, { account: 'carol', refreshToken: false }),
    );
    expect(issued.refreshToken).toBeUndefined();
    expect((await ask(mock, issued.accessToken)).status).toBe(200);
    await postJson(`${mock.url}/_mock/oauth/revoke`, { account: 'carol' });
    const accounts = await jsonOf(await fetch(`${mock.url}/_mock/oauth/accounts`));
    expect(accounts.accounts).toMatchObject([
      { name: 'default', revoked: false, ban: null, liveAccessTokens: 0 },
      { name: 'carol', revoked: true, liveAccessTokens: 1 },
    ]);
    expect(await jsonOf(await fetch(`${mock.url}/_mock/oauth/token-requests`, { method: 'DELETE' }))).toEqual(
      {
        count: 0,
      },
    );
  });

  it('answers 400 for bad commands and 404 when OAuth mode is off', async () => {
    const mock = await startOAuthMock();
    const missing = await postJson(`${mock.url}/_mock/oauth/authorize`, { state: 'x' });
    expect(missing.status).toBe(400);
    expect((await jsonOf(missing)).error.message).toMatch(/challenge/);
    const badFault = await postJson(`${mock.url}/_mock/oauth/token-faults`, {
      fault: { kind: 'sse-error', afterEvents: 1 },
    });
    expect(badFault.status).toBe(400);
    const plain = await startMock();
    expect(
      (await postJson(`${plain.url}/_mock/oauth/authorize`, { challenge: 'c', state: 's' })).status,
    ).toBe(404);
    expect((await postJson(`${plain.url}/v1/oauth/token`, {})).status).toBe(404);
  });

  it('refuses oauth together with apiKey', async () => {
    await expect(createMockUpstream({ oauth: true, apiKey: 'sk-x' })).rejects.toMatchObject({
      code: 'CCB_MOCK_UPSTREAM_INVALID_OPTIONS',
    });
  });
});
