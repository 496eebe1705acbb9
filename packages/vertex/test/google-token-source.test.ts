import { generateKeyPairSync } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseGoogleCredentials } from '../src/google-credentials.js';
import { createGoogleTokenSource } from '../src/google-token-source.js';
import { verifyJwtAssertion } from '../src/verify-jwt-assertion.js';
import { VertexError } from '../src/vertex-error.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
// A key the token endpoint does not know. Made here, once: generating a 2048-bit key takes seconds on a busy machine,
// which inside a test ran past its timeout and left its token request to be counted by the next test.
const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const clientEmail = 'ccb-test@my-project.iam.gserviceaccount.com';

/** A token endpoint as Google's: verifies the assertion (or the refresh token), answers one token per request. */
class TokenServer {
  readonly server: Server;
  url = '';
  requests: URLSearchParams[] = [];
  /** Status to answer with instead of a token, while set. */
  failWith: number | undefined;
  expiresIn = 3600;
  /** The endpoint's clock: tests that move their source's clock move this one with it. */
  now: () => number = Date.now;
  #issued = 0;
  #release: (() => void) | undefined;
  #held: Promise<void> | undefined;

  constructor() {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', async () => {
        const form = new URLSearchParams(Buffer.concat(chunks).toString());
        this.requests.push(form);
        await this.#held;
        const send = (status: number, body: object) => {
          response.writeHead(status, { 'content-type': 'application/json' });
          response.end(JSON.stringify(body));
        };
        if (this.failWith !== undefined)
          return send(this.failWith, { error: 'internal_failure', error_description: 'boom' });
        const grant = form.get('grant_type');
        const ok =
          grant === 'refresh_token'
            ? form.get('refresh_token') === 'rt-1' && form.get('client_secret') === 'secret'
            : grant === 'urn:ietf:params:oauth:grant-type:jwt-bearer' &&
              verifyJwtAssertion({
                assertion: form.get('assertion') ?? '',
                publicKey,
                clientEmail,
                audience: this.url,
                nowInMs: this.now(),
              })?.scope === 'https://www.googleapis.com/auth/cloud-platform';
        if (!ok) return send(400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' });
        this.#issued++;
        send(200, {
          access_token: `ya29.token-${this.#issued}`,
          expires_in: this.expiresIn,
          token_type: 'Bearer',
        });
      });
    });
  }

  /** Holds every answer until `release()`: lets concurrent callers pile up on one request. */
  hold(): void {
    this.#held = new Promise((resolve) => {
      this.#release = resolve;
    });
  }

  release(): void {
    this.#release?.();
    this.#held = undefined;
  }
}

const tokens = new TokenServer();
const keyFile = (overrides: object = {}) =>
  JSON.stringify({
    type: 'service_account',
    project_id: 'my-project',
    private_key_id: 'key-1',
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
    client_email: clientEmail,
    token_uri: tokens.url,
    ...overrides,
  });

beforeAll(async () => {
  tokens.server.listen(0, '127.0.0.1');
  await once(tokens.server, 'listening');
  tokens.url = `http://127.0.0.1:${(tokens.server.address() as AddressInfo).port}/token`;
});
afterAll(() => {
  tokens.server.close();
});
afterEach(() => {
  tokens.requests = [];
  tokens.failWith = undefined;
  tokens.expiresIn = 3600;
  tokens.now = Date.now;
  tokens.release();
});

async function bearerOf(source: ReturnType<typeof createGoogleTokenSource>): Promise<string | undefined> {
  const pairs = await source.headers();
  return pairs.find(([name]) => name === 'authorization')?.[1];
}

describe('createGoogleTokenSource', () => {
  it('trades a service-account key for a token at the key’s token_uri and serves it synchronously after', async () => {
    const source = createGoogleTokenSource({ credentials: parseGoogleCredentials(keyFile(), 'sa.json') });
    expect(await bearerOf(source)).toBe('Bearer ya29.token-1');
    const cached = source.headers();
    expect(Array.isArray(cached)).toBe(true);
    expect(tokens.requests).toHaveLength(1);
    expect(source.status().state).toBe('ready');
  });

  it('makes one token request for fifty concurrent callers', async () => {
    tokens.hold();
    const source = createGoogleTokenSource({ credentials: parseGoogleCredentials(keyFile(), 'sa.json') });
    const pending = Array.from({ length: 50 }, () => bearerOf(source));
    await expect.poll(() => tokens.requests.length).toBe(1);
    tokens.release();
    const bearers = await Promise.all(pending);
    expect(new Set(bearers)).toEqual(new Set(['Bearer ya29.token-2']));
    expect(tokens.requests).toHaveLength(1);
  });

  it('refreshes ahead of expiry in the background while the old token serves, then expires it', async () => {
    let now = Date.now();
    tokens.now = () => now;
    const source = createGoogleTokenSource({
      credentials: parseGoogleCredentials(keyFile(), 'sa.json'),
      now: () => now,
    });
    const first = await bearerOf(source);
    now += 3600_000 - 299_000; // inside the 5-minute refresh window
    expect(await bearerOf(source)).toBe(first);
    await expect.poll(() => tokens.requests.length).toBe(2);
    await expect.poll(() => bearerOf(source)).not.toBe(first);
    expect(tokens.requests).toHaveLength(2);
  });

  it('fetches a new token once the cached one expired', async () => {
    let now = Date.now();
    tokens.now = () => now;
    const source = createGoogleTokenSource({
      credentials: parseGoogleCredentials(keyFile(), 'sa.json'),
      now: () => now,
      refreshBeforeInMs: 0,
    });
    const first = await bearerOf(source);
    now += 3600_000;
    const second = await bearerOf(source);
    expect(second).not.toBe(first);
    expect(tokens.requests).toHaveLength(2);
  });

  it('backs off after a failure: calls fail at once without a token request until the wait is over', async () => {
    let now = Date.now();
    tokens.failWith = 503;
    const source = createGoogleTokenSource({
      credentials: parseGoogleCredentials(keyFile(), 'sa.json'),
      now: () => now,
      name: 'vertex-east',
    });
    const failure = await Promise.resolve(source.headers()).catch((error: unknown) => error);
    expect(VertexError.is(failure) && failure.code).toBe('CCB_VERTEX_TOKEN_FAILED');
    expect((failure as Error).message).toBe(
      `vertex-east: the token endpoint ${tokens.url} answered 503: internal_failure (boom)`,
    );
    await expect(Promise.resolve(source.headers())).rejects.toBe(failure);
    expect(tokens.requests).toHaveLength(1);
    expect(source.status()).toMatchObject({ state: 'failing' });
    tokens.failWith = undefined;
    now += 1_000; // the first back-off is 1 s
    expect(await bearerOf(source)).toMatch(/^Bearer ya29\./);
    expect(tokens.requests).toHaveLength(2);
  });

  it('doubles the back-off on each further failure', async () => {
    let now = Date.now();
    tokens.failWith = 500;
    const source = createGoogleTokenSource({
      credentials: parseGoogleCredentials(keyFile(), 'sa.json'),
      now: () => now,
    });
    await Promise.resolve(source.headers()).catch(() => {});
    now += 1_000;
    await Promise.resolve(source.headers()).catch(() => {});
    now += 1_000; // only half of the 2 s wait
    await Promise.resolve(source.headers()).catch(() => {});
    expect(tokens.requests).toHaveLength(2);
    now += 1_000;
    await Promise.resolve(source.headers()).catch(() => {});
    expect(tokens.requests).toHaveLength(3);
  });

  it('fetches a new token after an upstream 401, once for the 401s of the requests sent with the old one', async () => {
    let now = Date.now();
    tokens.now = () => now;
    const source = createGoogleTokenSource({
      credentials: parseGoogleCredentials(keyFile(), 'sa.json'),
      now: () => now,
    });
    const first = await bearerOf(source);
    expect(await source.invalidate()).toBe(true);
    expect(tokens.requests).toHaveLength(2);
    const second = await bearerOf(source);
    expect(second).not.toBe(first);
    // Later 401s of requests that went out with the first token: the second one serves their retries.
    now += 5_000;
    expect(await source.invalidate()).toBe(true);
    expect(tokens.requests).toHaveLength(2);
    now += 10_000;
    expect(await source.invalidate()).toBe(true);
    expect(tokens.requests).toHaveLength(3);
  });

  it('reports a key the endpoint refuses, naming the OAuth error and not the key', async () => {
    const source = createGoogleTokenSource({
      credentials: parseGoogleCredentials(
        keyFile({ private_key: otherKey.export({ type: 'pkcs8', format: 'pem' }) }),
        'sa.json',
      ),
    });
    const failure = (await Promise.resolve(source.headers()).catch((error: unknown) => error)) as Error;
    expect(failure.message).toContain('answered 400: invalid_grant (Invalid JWT Signature.)');
    expect(failure.message).not.toContain('PRIVATE KEY');
  });

  it('uses an authorized_user file’s refresh token', async () => {
    const credentials = parseGoogleCredentials(
      JSON.stringify({
        type: 'authorized_user',
        client_id: 'cid',
        client_secret: 'secret',
        refresh_token: 'rt-1',
        token_uri: tokens.url,
      }),
      'adc.json',
    );
    const source = createGoogleTokenSource({ credentials });
    expect(await bearerOf(source)).toMatch(/^Bearer ya29\./);
    expect(tokens.requests[0]?.get('grant_type')).toBe('refresh_token');
  });

  it('loads credentials lazily and retries a failed load after the back-off', async () => {
    let now = Date.now();
    let loads = 0;
    const source = createGoogleTokenSource({
      now: () => now,
      credentials: () => {
        loads++;
        if (loads === 1) throw new VertexError('CCB_VERTEX_CREDENTIALS_INVALID', 'sa.json: not found');
        return parseGoogleCredentials(keyFile(), 'sa.json');
      },
    });
    await expect(Promise.resolve(source.headers())).rejects.toThrow('sa.json: not found');
    now += 1_000;
    expect(await bearerOf(source)).toMatch(/^Bearer ya29\./);
    expect(loads).toBe(2);
  });

  it('reads the key file again after the token endpoint refused its key (a key replaced on disk)', async () => {
    let now = Date.now();
    tokens.now = () => now;
    const files = [keyFile({ private_key: otherKey.export({ type: 'pkcs8', format: 'pem' }) }), keyFile()];
    let loads = 0;
    const source = createGoogleTokenSource({
      now: () => now,
      credentials: () => parseGoogleCredentials(files[Math.min(loads++, 1)] as string, 'sa.json'),
    });
    await expect(Promise.resolve(source.headers())).rejects.toThrow('invalid_grant');
    now += 1_000;
    expect(await bearerOf(source)).toMatch(/^Bearer ya29\./);
    expect(await bearerOf(source)).toMatch(/^Bearer ya29\./);
    expect(loads).toBe(2);
  });

  it('sends a static access token as it is and never refreshes it', async () => {
    const source = createGoogleTokenSource({ credentials: { accessToken: 'ya29.static' } });
    expect(source.headers()).toEqual([['authorization', 'Bearer ya29.static']]);
    expect(source.invalidate()).toBe(false);
    expect(source.status()).toEqual({ state: 'static' });
  });
});

describe('parseGoogleCredentials', () => {
  it('explains what a file lacks, naming the file and never its secrets', () => {
    const problem = (text: string) => {
      try {
        parseGoogleCredentials(text, '/etc/sa.json');
      } catch (error) {
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(problem('{')).toMatch(/^\/etc\/sa\.json: is not JSON/);
    expect(problem(keyFile({ client_email: undefined }))).toBe('/etc/sa.json: has no "client_email"');
    expect(problem(keyFile({ private_key: 'secret-not-a-key' }))).toBe(
      '/etc/sa.json: has a "private_key" that is not a PEM private key',
    );
    expect(problem('{"type":"external_account"}')).toContain('has "type": "external_account"');
    expect(
      problem(
        JSON.stringify({ type: 'authorized_user', client_id: 'c', client_secret: 's', refresh_token: 'r' }),
      ),
    ).toBe('accepted');
  });

  it('defaults the token endpoint to Google’s when the file names none', () => {
    const credentials = parseGoogleCredentials(
      JSON.stringify({ type: 'authorized_user', client_id: 'c', client_secret: 's', refresh_token: 'r' }),
      'adc.json',
    );
    expect(credentials.tokenUrl).toBe('https://oauth2.googleapis.com/token');
  });
});
