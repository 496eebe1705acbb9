import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError, writeTokenFile } from '../src/index.js';
import { createOAuthFixture, failureOf, hourInMs, type OAuthFixture } from './helpers/oauth-fixture.js';
import { rotatingAnswer } from './helpers/token-server.js';

let fixture: OAuthFixture;
beforeEach(async () => {
  fixture = await createOAuthFixture();
});
afterEach(() => fixture.close());

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

const invalidGrant = { status: 400, json: { error: 'invalid_grant' } } as const;

describe('invalid_grant', () => {
  it('re-reads the token file and adopts the token a racing process rotated', async () => {
    await login('old', 'refresh-old', hourInMs);
    const { credentials } = await fixture.account();
    fixture.server.answer(async () => {
      // A process that took no lock rotated the refresh token a moment earlier.
      await login('racer', 'refresh-racer', 8 * hourInMs);
      return invalidGrant;
    });
    fixture.clock.advance(hourInMs);
    expect(bearer(await credentials.headers())).toBe('Bearer racer');
    expect(fixture.server.requests).toHaveLength(1);
    expect(credentials.status()).toMatchObject({ state: 'ready', error: null });
  });

  it("retries once with the racing process's refresh token when its access token has expired too", async () => {
    await login('old', 'refresh-old', hourInMs);
    const { credentials } = await fixture.account();
    fixture.server.answer(async (request, index) => {
      if (request.body.refresh_token === 'refresh-old') {
        await login('racer', 'refresh-racer', 0);
        return invalidGrant;
      }
      return rotatingAnswer(request, index);
    });
    fixture.clock.advance(hourInMs);
    expect(bearer(await credentials.headers())).toBe('Bearer access-2');
    expect(fixture.server.requests.map((request) => request.body.refresh_token)).toEqual([
      'refresh-old',
      'refresh-racer',
    ]);
  });

  it('needs a login, and calls the token endpoint again only once the token file is rewritten', async () => {
    await login('old', 'refresh-old', hourInMs);
    fixture.server.answer(() => invalidGrant);
    const account = await fixture.account();
    const { credentials } = account;
    fixture.clock.advance(hourInMs);

    const error = await failureOf(() => credentials.headers());
    expect(ProviderError.is(error, 'CCB_PROVIDER_NEEDS_LOGIN')).toBe(true);
    expect((error as ProviderError).providerName).toBe('max');
    expect((error as Error).message).toContain('ccb login max');
    expect(credentials.status()).toMatchObject({ state: 'needs_login', error: 'invalid_grant' });

    // Thrown synchronously from now on, and a 401 does not reach the token endpoint either.
    expect(() => credentials.headers()).toThrow(/needs a new login/);
    fixture.clock.advance(hourInMs);
    expect(() => credentials.headers()).toThrow(/needs a new login/);
    expect(await credentials.invalidate()).toBe(false);
    expect(fixture.server.requests).toHaveLength(1);

    fixture.server.answer(rotatingAnswer);
    await login('after-login', 'refresh-new', 8 * hourInMs);
    await account.statusWhere((status) => status.state === 'ready');
    expect(bearer(credentials.headers())).toBe('Bearer after-login');
    expect(fixture.server.requests).toHaveLength(1);
  });

  it('needs a login when an expired token has no refresh token', async () => {
    await login('setup-token', undefined, hourInMs);
    const { credentials } = await fixture.account();
    fixture.clock.advance(hourInMs);
    const error = await failureOf(() => credentials.headers());
    expect(ProviderError.is(error, 'CCB_PROVIDER_NEEDS_LOGIN')).toBe(true);
    expect(credentials.status()).toMatchObject({ state: 'needs_login', error: 'expired' });
    expect(fixture.server.requests).toHaveLength(0);
  });

  it('needs a login when the token file is unusable and there are no inline tokens', async () => {
    await writeTokenFile(fixture.tokenFile, { accessToken: 'x' });
    const { writeFile } = await import('node:fs/promises');
    await writeFile(fixture.tokenFile, 'not json');
    const account = await fixture.account();
    expect(account.credentials.status()).toMatchObject({ state: 'needs_login', error: 'token_file_invalid' });
    await login('repaired', 'refresh', hourInMs);
    await account.statusWhere((status) => status.state === 'ready');
    expect(bearer(account.credentials.headers())).toBe('Bearer repaired');
  });
});

describe('transient failures', () => {
  it('backs off 30 s doubling while the token has expired, failing fast in between', async () => {
    await login('old', 'refresh-old', hourInMs);
    fixture.server.answer(() => ({ status: 503, json: {} }));
    const { credentials } = await fixture.account();
    fixture.clock.advance(hourInMs);

    const first = await failureOf(() => credentials.headers());
    expect(ProviderError.is(first, 'CCB_PROVIDER_CREDENTIALS_UNAVAILABLE')).toBe(true);
    expect(credentials.status()).toMatchObject({ state: 'unavailable', error: 'http_503' });
    expect(() => credentials.headers()).toThrow(/no valid access token/);
    expect(await credentials.invalidate()).toBe(false);
    expect(fixture.server.requests).toHaveLength(1);

    fixture.clock.advance(30_000);
    await failureOf(() => credentials.headers());
    expect(fixture.server.requests).toHaveLength(2);

    fixture.clock.advance(30_000);
    expect(() => credentials.headers()).toThrow(/no valid access token/);
    expect(fixture.server.requests).toHaveLength(2);

    fixture.server.answer(rotatingAnswer);
    fixture.clock.advance(30_000);
    expect(bearer(await credentials.headers())).toBe('Bearer access-3');
    expect(credentials.status()).toMatchObject({ state: 'ready', error: null });
  });

  it('keeps serving a still-valid token after a failed background refresh and retries only after the backoff', async () => {
    await login('old', 'refresh-old', hourInMs);
    fixture.server.answer(() => ({ status: 500, json: {} }));
    const account = await fixture.account();
    fixture.clock.advance(hourInMs - 60_000);
    expect(bearer(account.credentials.headers())).toBe('Bearer old');
    await account.statusWhere((status) => status.error === 'http_500');
    expect(account.credentials.status().state).toBe('ready');
    expect(bearer(account.credentials.headers())).toBe('Bearer old');
    expect(fixture.server.requests).toHaveLength(1);

    fixture.server.answer(rotatingAnswer);
    fixture.clock.advance(30_000);
    expect(bearer(account.credentials.headers())).toBe('Bearer old');
    await account.statusWhere((status) => status.error === null && status.refreshedAt !== null);
    expect(bearer(account.credentials.headers())).toBe('Bearer access-2');
  });

  it('caps the backoff at the configured maximum', async () => {
    await login('old', 'refresh-old', 0);
    fixture.server.answer(() => ({ status: 502, json: {} }));
    const { credentials } = await fixture.account({ retryInitialInMs: 1_000, retryMaxInMs: 2_000 });
    for (const waitInMs of [1_000, 2_000, 2_000]) {
      await failureOf(() => credentials.headers());
      const before = fixture.server.requests.length;
      fixture.clock.advance(waitInMs - 1);
      expect(() => credentials.headers()).toThrow();
      expect(fixture.server.requests).toHaveLength(before);
      fixture.clock.advance(1);
    }
    await failureOf(() => credentials.headers());
    expect(fixture.server.requests).toHaveLength(4);
  });
});
