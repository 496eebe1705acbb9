import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProvider, ProviderError, readTokenFile, writeTokenFile } from '../src/index.js';
import {
  createGate,
  createOAuthFixture,
  failureOf,
  hourInMs,
  type OAuthFixture,
  refreshBeforeInMs,
} from './helpers/oauth-fixture.js';

let fixture: OAuthFixture;
beforeEach(async () => {
  fixture = await createOAuthFixture();
});
afterEach(() => fixture.close());

/** Writes the token file as `ccb login` would, expiring `expiresInMs` from the fixture's clock. */
function login(accessToken: string, refreshToken: string | undefined, expiresInMs: number): Promise<void> {
  return writeTokenFile(fixture.tokenFile, {
    accessToken,
    ...(refreshToken === undefined ? {} : { refreshToken }),
    expiresAt: fixture.clock.now() + expiresInMs,
  });
}

function bearer(headers: unknown): string | undefined {
  return (headers as readonly (readonly [string, string])[])[0]?.[1];
}

describe('createOAuthCredentials while the token is fresh', () => {
  it('returns the same frozen header array synchronously and asks the token endpoint nothing', async () => {
    await login('sk-ant-oat01-first', 'sk-ant-ort01-first', 8 * hourInMs);
    const { credentials } = await fixture.account();
    const first = credentials.headers();
    expect(first).toEqual([['authorization', 'Bearer sk-ant-oat01-first']]);
    expect(Object.isFrozen(first)).toBe(true);
    expect(credentials.headers()).toBe(first);
    expect(fixture.server.requests).toHaveLength(0);
    expect(credentials.status()).toEqual({
      state: 'ready',
      expiresAt: fixture.clock.now() + 8 * hourInMs,
      refreshedAt: null,
      error: null,
    });
  });

  it('prefers the token file over inline tokens, which only seed it', async () => {
    await login('from-file', 'refresh-file', hourInMs);
    const { credentials } = await fixture.account({ initial: { accessToken: 'inline', refreshToken: 'r' } });
    expect(bearer(credentials.headers())).toBe('Bearer from-file');
  });

  it('uses inline tokens when the token file does not exist yet', async () => {
    const { credentials } = await fixture.account({ initial: { accessToken: 'inline' } });
    expect(bearer(credentials.headers())).toBe('Bearer inline');
  });
});

describe('refreshing', () => {
  it('refreshes once in the background ahead of expiry while still answering with the current token', async () => {
    await login('old', 'refresh-old', hourInMs);
    const account = await fixture.account();
    fixture.clock.advance(hourInMs - refreshBeforeInMs + 1);
    const during = account.credentials.headers();
    expect(bearer(during)).toBe('Bearer old');
    expect(bearer(account.credentials.headers())).toBe('Bearer old');
    await account.statusWhere((status) => status.state === 'ready' && status.refreshedAt !== null);
    expect(fixture.server.requests).toHaveLength(1);
    expect(fixture.server.requests[0]?.body).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'refresh-old',
      client_id: 'test-client',
    });
    expect(bearer(account.credentials.headers())).toBe('Bearer access-1');
    // The first `ready` is the load (the expiry became known).
    expect(account.statuses.map((status) => status.state)).toEqual(['ready', 'refreshing', 'ready']);
  });

  it('makes 50 concurrent callers on an expired token share exactly one token request', async () => {
    await login('old', 'refresh-old', hourInMs);
    const { credentials } = await fixture.account();
    fixture.clock.advance(hourInMs);
    const pending = Array.from({ length: 50 }, () => credentials.headers());
    expect(pending.every((headers) => headers instanceof Promise)).toBe(true);
    const resolved = await Promise.all(pending);
    expect(new Set(resolved.map(bearer))).toEqual(new Set(['Bearer access-1']));
    expect(fixture.server.requests).toHaveLength(1);
  });

  it('writes the rotated tokens to the file before the new access token is used, and a restart keeps them', async () => {
    await login('old', 'refresh-old', hourInMs);
    const { credentials } = await fixture.account();
    fixture.clock.advance(hourInMs);
    const headers = await credentials.headers();
    // Read synchronously the moment the new token is handed out: the file already holds it.
    const onDisk = JSON.parse(readFileSync(fixture.tokenFile, 'utf8'));
    expect(bearer(headers)).toBe('Bearer access-1');
    expect(onDisk).toMatchObject({ access_token: 'access-1', refresh_token: 'refresh-1' });
    expect((await stat(fixture.tokenFile)).mode & 0o777).toBe(0o600);

    const restarted = await fixture.account();
    expect(bearer(restarted.credentials.headers())).toBe('Bearer access-1');
    expect(fixture.server.requests).toHaveLength(1);
  });

  it('obtains an access token first when it starts with only a refresh token', async () => {
    const { credentials } = await fixture.account({ initial: { accessToken: '', refreshToken: 'seed' } });
    const pending = credentials.headers();
    expect(pending).toBeInstanceOf(Promise);
    expect(bearer(await pending)).toBe('Bearer access-1');
    expect(fixture.server.requests[0]?.body.refresh_token).toBe('seed');
    expect(await readTokenFile(fixture.tokenFile)).toMatchObject({
      accessToken: 'access-1',
      refreshToken: 'refresh-1',
    });
  });

  it('keeps using the new tokens in memory and reports it when the token file cannot be written', async () => {
    // A directory where the file should be: reading fails at start (the inline seed is used), writing fails later.
    const account = await fixture.account({
      tokenFile: fixture.directory,
      initial: { accessToken: 'inline', refreshToken: 'seed', expiresAt: fixture.clock.now() },
    });
    expect(account.credentials.status().error).toBe('token_file_invalid');
    expect(bearer(await account.credentials.headers())).toBe('Bearer access-1');
    expect(account.credentials.status()).toMatchObject({ state: 'ready', error: 'token_file_write_failed' });
  });

  it('sends the configured scope with a refresh', async () => {
    await login('old', 'refresh-old', 0);
    const { credentials } = await fixture.account({ scope: 'user:inference user:profile' });
    await credentials.headers();
    expect(fixture.server.requests[0]?.body.scope).toBe('user:inference user:profile');
  });
});

describe('after an upstream 401', () => {
  it('refreshes once and resolves true with a different token', async () => {
    await login('revoked', 'refresh-old', 8 * hourInMs);
    const { credentials } = await fixture.account();
    expect(await credentials.invalidate()).toBe(true);
    expect(bearer(credentials.headers())).toBe('Bearer access-1');
    expect(fixture.server.requests).toHaveLength(1);
  });

  it("adopts another process's newer token from the file instead of refreshing", async () => {
    await login('revoked', 'refresh-old', hourInMs);
    const { credentials } = await fixture.account();
    await login('from-other-process', 'refresh-other', 2 * hourInMs);
    expect(await credentials.invalidate()).toBe(true);
    expect(bearer(credentials.headers())).toBe('Bearer from-other-process');
    expect(fixture.server.requests).toHaveLength(0);
  });

  it('resolves false for a setup-token without a refresh token, asking nobody', async () => {
    const { credentials } = await fixture.account({
      tokenFile: undefined,
      initial: { accessToken: 'setup-token' },
    });
    expect(await credentials.invalidate()).toBe(false);
    expect(bearer(credentials.headers())).toBe('Bearer setup-token');
    expect(fixture.server.requests).toHaveLength(0);
  });

  it('joins a refresh already under way', async () => {
    await login('old', 'refresh-old', hourInMs);
    const gate = createGate();
    fixture.server.answer(async (_request, index) => {
      await gate.opened;
      return {
        status: 200,
        json: { access_token: `access-${index + 1}`, refresh_token: 'r', expires_in: 3600 },
      };
    });
    const { credentials } = await fixture.account();
    fixture.clock.advance(hourInMs);
    const waiting = credentials.headers();
    await fixture.server.requestsReceived(1);
    const invalidated = credentials.invalidate();
    gate.open();
    expect(await invalidated).toBe(true);
    expect(bearer(await waiting)).toBe('Bearer access-1');
    expect(fixture.server.requests).toHaveLength(1);
  });
});

describe('closing', () => {
  it('reports nothing once closed, not even a refresh that ends afterwards (a reload replaced the account)', async () => {
    await login('old', 'refresh-old', hourInMs);
    const gate = createGate();
    fixture.server.answer(async () => {
      await gate.opened;
      return { status: 400, json: { error: 'invalid_grant' } };
    });
    const { credentials, statuses } = await fixture.account();
    fixture.clock.advance(hourInMs);
    const waiting = Promise.resolve(credentials.headers()).catch((error: unknown) => error);
    await fixture.server.requestsReceived(1);
    const reported = statuses.length;
    credentials.close();
    gate.open();
    await waiting;
    expect(statuses.slice(reported)).toEqual([]);
  });
});

describe('secrets', () => {
  it('never shows a token in status, toJSON, util.inspect or errors', async () => {
    await login('sk-ant-oat01-SECRET', 'sk-ant-ort01-SECRET', hourInMs);
    fixture.server.answer(() => ({ status: 400, json: { error: 'invalid_grant' } }));
    const { credentials } = await fixture.account();
    const shown = [
      JSON.stringify(credentials),
      inspect(credentials, { depth: 10 }),
      JSON.stringify(credentials.status()),
    ];
    fixture.clock.advance(hourInMs);
    const error = await failureOf(() => credentials.headers());
    expect(ProviderError.is(error, 'CCB_PROVIDER_NEEDS_LOGIN')).toBe(true);
    shown.push(String(error), inspect(error, { depth: 10 }), JSON.stringify(credentials.status()));
    for (const text of shown) expect(text).not.toContain('SECRET');
    expect(inspect(credentials)).toContain('max');
  });
});

describe('an oauth provider built on the credentials', () => {
  it('sends the Bearer token, requires the oauth beta and renews through invalidateCredentials', async () => {
    await login('sk-ant-oat01-first', 'sk-ant-ort01-first', 8 * hourInMs);
    const { credentials } = await fixture.account();
    const provider = createProvider({
      name: 'max',
      baseUrl: 'https://api.anthropic.com',
      authType: 'oauth',
      credentials,
    });
    expect(provider.credentialHeaders()).toEqual([['authorization', 'Bearer sk-ant-oat01-first']]);
    expect(provider.requiredBetas).toEqual(['oauth-2025-04-20']);
    expect(await provider.invalidateCredentials()).toBe(true);
    expect(provider.credentialHeaders()).toEqual([['authorization', 'Bearer access-1']]);
    expect(JSON.stringify(provider)).not.toContain('access-1');
  });

  it('waits for `ccb login` when there is neither a token file nor inline tokens', async () => {
    const account = await fixture.account();
    expect(account.credentials.status()).toMatchObject({ state: 'needs_login', error: 'no_tokens' });
    expect(() => account.credentials.headers()).toThrow(/ccb login max/);
    await login('first-login', 'refresh', 8 * hourInMs);
    await account.statusWhere((status) => status.state === 'ready');
    expect(bearer(account.credentials.headers())).toBe('Bearer first-login');
    expect(fixture.server.requests).toHaveLength(0);
  });
});

describe('options', () => {
  it.each([
    [{ tokenFile: 'relative.json' }, 'absolute path'],
    [{ tokenFile: undefined }, 'tokenFile or initial'],
    [{ tokenUrl: '' }, 'tokenUrl'],
    [{ refreshBeforeInMs: -1 }, 'refreshBeforeInMs'],
  ])('refuses %j with CCB_PROVIDER_INVALID', async (overrides, hint) => {
    const error = await failureOf(() => fixture.account(overrides));
    expect(ProviderError.is(error, 'CCB_PROVIDER_INVALID')).toBe(true);
    expect((error as Error).message).toContain(hint);
    expect((error as Error).message).toContain('"max"');
  });
});
