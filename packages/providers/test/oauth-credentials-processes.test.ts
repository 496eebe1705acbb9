import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError, writeTokenFile } from '../src/index.js';
import {
  createGate,
  createOAuthFixture,
  failureOf,
  hourInMs,
  type OAuthFixture,
} from './helpers/oauth-fixture.js';
import { rotatingAnswer } from './helpers/token-server.js';

let fixture: OAuthFixture;
beforeEach(async () => {
  fixture = await createOAuthFixture();
});
afterEach(() => fixture.close());

function expiredLogin(): Promise<void> {
  return writeTokenFile(fixture.tokenFile, {
    accessToken: 'old',
    refreshToken: 'refresh-old',
    expiresAt: fixture.clock.now(),
  });
}

function bearer(headers: unknown): string | undefined {
  return (headers as readonly (readonly [string, string])[])[0]?.[1];
}

/**
 * Another ccb process, reduced to what it does to the files: takes the lock as ccb does (link of a complete lock
 * file), says `locked`, and when told writes refreshed tokens and releases the lock.
 */
const otherProcessScript = `
const fs = require('node:fs');
const [lockPath, tokenFile, acquiredAt, expiresAt] = process.argv.slice(1);
const temporary = lockPath + '.child.tmp';
fs.writeFileSync(temporary, JSON.stringify({ pid: process.pid, acquiredAt: Number(acquiredAt), nonce: 'child' }));
fs.linkSync(temporary, lockPath);
fs.unlinkSync(temporary);
process.stdout.write('locked\\n');
process.stdin.once('data', () => {
  const tokens = { access_token: 'from-child', refresh_token: 'refresh-child',
    expires_at: new Date(Number(expiresAt)).toISOString(), updated_at: new Date().toISOString() };
  fs.writeFileSync(tokenFile + '.child', JSON.stringify(tokens), { mode: 0o600 });
  fs.renameSync(tokenFile + '.child', tokenFile);
  fs.unlinkSync(lockPath);
  process.exit(0);
});
`;

describe('processes sharing one token file', () => {
  it('refreshes once when two credential sources on one file find the token expired together', async () => {
    await expiredLogin();
    const gate = createGate();
    fixture.server.answer(async (request, index) => {
      await gate.opened;
      return rotatingAnswer(request, index);
    });
    const first = await fixture.account();
    const second = await fixture.account();
    const firstHeaders = first.credentials.headers();
    await fixture.server.requestsReceived(1);
    const secondHeaders = second.credentials.headers();
    expect(second.credentials.status().state).toBe('refreshing');
    gate.open();
    expect(bearer(await firstHeaders)).toBe('Bearer access-1');
    expect(bearer(await secondHeaders)).toBe('Bearer access-1');
    expect(fixture.server.requests).toHaveLength(1);
    expect(second.credentials.status().refreshedAt).not.toBeNull();
    expect(existsSync(`${fixture.tokenFile}.lock`)).toBe(false);
  });

  it('waits for a real other process holding the lock and adopts what it wrote instead of refreshing', async () => {
    await expiredLogin();
    const { credentials } = await fixture.account();
    const child = spawn(
      process.execPath,
      [
        '-e',
        otherProcessScript,
        `${fixture.tokenFile}.lock`,
        fixture.tokenFile,
        String(fixture.clock.now()),
        String(fixture.clock.now() + 8 * hourInMs),
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const exited = once(child, 'exit');
    await once(child.stdout, 'data');
    const pending = credentials.headers();
    expect(credentials.status().state).toBe('refreshing');
    child.stdin.write('go\n');
    await exited;
    expect(bearer(await pending)).toBe('Bearer from-child');
    expect(fixture.server.requests).toHaveLength(0);
  });

  it('takes over a lock older than the token request timeout', async () => {
    await expiredLogin();
    const lock = { pid: process.pid, acquiredAt: fixture.clock.now() - 30_001, nonce: 'crashed' };
    await writeFile(`${fixture.tokenFile}.lock`, JSON.stringify(lock));
    const { credentials } = await fixture.account();
    expect(bearer(await credentials.headers())).toBe('Bearer access-1');
    expect(existsSync(`${fixture.tokenFile}.lock`)).toBe(false);
  });

  it('takes over a fresh lock whose process has exited', async () => {
    await expiredLogin();
    const child = spawn(process.execPath, ['-e', '']);
    await once(child, 'exit');
    const lock = { pid: child.pid, acquiredAt: fixture.clock.now(), nonce: 'exited' };
    await writeFile(`${fixture.tokenFile}.lock`, JSON.stringify(lock));
    const { credentials } = await fixture.account();
    expect(bearer(await credentials.headers())).toBe('Bearer access-1');
  });

  it('gives up waiting for a live lock after lockWaitInMs without refreshing', async () => {
    await expiredLogin();
    const lock = { pid: process.pid, acquiredAt: fixture.clock.now(), nonce: 'busy' };
    await writeFile(`${fixture.tokenFile}.lock`, JSON.stringify(lock));
    const { credentials } = await fixture.account({ lockWaitInMs: 60 });
    const error = await failureOf(() => credentials.headers());
    expect(ProviderError.is(error, 'CCB_PROVIDER_CREDENTIALS_UNAVAILABLE')).toBe(true);
    expect(credentials.status()).toMatchObject({ state: 'unavailable', error: 'token_file_locked' });
    expect(fixture.server.requests).toHaveLength(0);
    expect(existsSync(`${fixture.tokenFile}.lock`)).toBe(true);
  });
});
