import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OAuthTokenLock, OAuthTokenStore, OAuthTokens } from '../src/index.js';
import { createOAuthFixture, hourInMs, type OAuthFixture } from './helpers/oauth-fixture.js';

let fixture: OAuthFixture;
beforeEach(async () => {
  fixture = await createOAuthFixture();
});
afterEach(() => fixture.close());

/** A store in memory that records what the credential source does with it. */
function memoryStore(initial: OAuthTokens | undefined, lockFallback = false) {
  const events: string[] = [];
  let stored = initial;
  let held = false;
  const store: OAuthTokenStore = {
    async read() {
      events.push('read');
      return stored;
    },
    async write(tokens) {
      events.push(`write ${tokens.accessToken}`);
      stored = tokens;
    },
    async lock(): Promise<OAuthTokenLock> {
      if (held) throw new Error('the lock is held twice');
      held = true;
      events.push('lock');
      return {
        fallback: lockFallback,
        release: async () => {
          held = false;
          events.push('release');
        },
      };
    },
  };
  return {
    store,
    events,
    stored: () => stored,
    set: (tokens: OAuthTokens) => {
      stored = tokens;
    },
  };
}

function bearer(headers: unknown): string | undefined {
  return (headers as readonly (readonly [string, string])[])[0]?.[1];
}

describe('a token store given instead of the token file', () => {
  it('refreshes under its lock, re-reading first and writing the rotated tokens before they are used', async () => {
    const memory = memoryStore({
      accessToken: 'old',
      refreshToken: 'refresh-old',
      expiresAt: fixture.clock.now() + hourInMs,
    });
    const { credentials } = await fixture.account({ store: memory.store });
    await credentials.ready();
    fixture.clock.advance(hourInMs);
    expect(bearer(await credentials.headers())).toBe('Bearer access-1');
    expect(memory.events).toEqual(['read', 'lock', 'read', 'write access-1', 'release']);
    expect(memory.stored()?.refreshToken).toBe('refresh-1');
  });

  it("adopts a peer's newer tokens found under the lock instead of spending its own refresh token", async () => {
    const memory = memoryStore({
      accessToken: 'old',
      refreshToken: 'refresh-old',
      expiresAt: fixture.clock.now() + hourInMs,
    });
    const { credentials } = await fixture.account({ store: memory.store });
    await credentials.ready();
    memory.set({
      accessToken: 'peer',
      refreshToken: 'refresh-peer',
      expiresAt: fixture.clock.now() + 9 * hourInMs,
    });
    fixture.clock.advance(hourInMs);
    expect(bearer(await credentials.headers())).toBe('Bearer peer');
    expect(fixture.server.requests).toHaveLength(0);
  });

  it('closes the store it was given when it is closed', async () => {
    let closed = 0;
    const memory = memoryStore({ accessToken: 'old', expiresAt: fixture.clock.now() + hourInMs });
    const { credentials } = await fixture.account({
      store: {
        ...memory.store,
        close: () => {
          closed += 1;
        },
      },
    });
    await credentials.ready();
    expect(closed).toBe(0);
    credentials.close();
    expect(closed).toBe(1);
  });

  it('takes an invalid_grant under a fallback lock for a transient failure, never a needed login', async () => {
    const memory = memoryStore(
      { accessToken: 'old', refreshToken: 'refresh-old', expiresAt: fixture.clock.now() + hourInMs },
      true,
    );
    fixture.server.answer(() => ({ status: 400, json: { error: 'invalid_grant' } }));
    const { credentials } = await fixture.account({ store: memory.store });
    await credentials.ready();
    fixture.clock.advance(hourInMs);
    await expect(credentials.headers()).rejects.toMatchObject({
      code: 'CCB_PROVIDER_CREDENTIALS_UNAVAILABLE',
    });
    expect(credentials.status()).toMatchObject({ state: 'unavailable', error: 'shared_store_unreachable' });
  });
});
