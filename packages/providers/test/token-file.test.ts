import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError, readTokenFile, writeTokenFile } from '../src/index.js';
import { acquireTokenFileLock } from '../src/oauth/_token-file-lock.js';

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'ccb-token-file-'));
});
afterEach(() => rm(directory, { recursive: true, force: true }));

async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('readTokenFile', () => {
  it('returns undefined when the file does not exist', async () => {
    expect(await readTokenFile(join(directory, 'absent.json'))).toBeUndefined();
  });

  it('reads what writeTokenFile wrote, times as ms', async () => {
    const path = join(directory, 'tokens.json');
    const tokens = {
      accessToken: 'a-1',
      refreshToken: 'r-1',
      expiresAt: Date.UTC(2030, 0, 1),
      scope: 'user:inference',
    };
    await writeTokenFile(path, tokens, { now: () => Date.UTC(2029, 0, 1) });
    expect(await readTokenFile(path)).toEqual(tokens);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({
      access_token: 'a-1',
      refresh_token: 'r-1',
      expires_at: '2030-01-01T00:00:00.000Z',
      scope: 'user:inference',
      updated_at: '2029-01-01T00:00:00.000Z',
    });
  });

  it.each([
    ['not JSON', '{"access_token": "sk-ant-oat01-secret"', 'not valid JSON'],
    ['a wrong type', '{"access_token": 5, "refresh_token": "sk-ant-ort01-secret"}', 'access_token'],
    ['a bad time', '{"access_token": "sk-ant-oat01-secret", "expires_at": "tomorrow"}', 'expires_at'],
    ['no token', '{"access_token": ""}', 'neither'],
  ])(
    'refuses %s with CCB_PROVIDER_TOKEN_FILE_INVALID and no token in the message',
    async (_label, text, hint) => {
      const path = join(directory, 'tokens.json');
      await writeFile(path, text);
      const error = await caught(readTokenFile(path));
      expect(ProviderError.is(error, 'CCB_PROVIDER_TOKEN_FILE_INVALID')).toBe(true);
      expect((error as Error).message).toContain(hint);
      expect((error as Error).message).toContain(path);
      expect(JSON.stringify(error)).not.toContain('secret');
      expect((error as Error).message).not.toContain('secret');
      expect((error as Error).cause).toBeUndefined();
    },
  );

  it('refuses a directory where the file should be', async () => {
    const error = await caught(readTokenFile(directory));
    expect(ProviderError.is(error, 'CCB_PROVIDER_TOKEN_FILE_INVALID')).toBe(true);
    expect((error as Error).message).toContain('EISDIR');
  });
});

describe('writeTokenFile', () => {
  it('with exclusive, waits for a refresh holding the lock, so the login is what stays', async () => {
    const path = join(directory, 'tokens.json');
    const refresh = await acquireTokenFileLock(path, {
      staleAfterInMs: 30_000,
      waitInMs: 1_000,
      now: Date.now,
    });
    let released = false;
    const login = writeTokenFile(path, { accessToken: 'from-login' }, { exclusive: true }).then(
      () => released,
    );
    await writeTokenFile(path, { accessToken: 'from-refresh' });
    released = true;
    await refresh?.release();
    expect(await login).toBe(true);
    expect((await readTokenFile(path))?.accessToken).toBe('from-login');
    expect(await readdir(directory)).toEqual(['tokens.json']);
  });

  it('leaves mode 0600 and no temporary file, also when replacing a more open file', async () => {
    const path = join(directory, 'tokens.json');
    await writeFile(path, '{}', { mode: 0o644 });
    await writeTokenFile(path, { accessToken: 'a' });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(directory)).toEqual(['tokens.json']);
  });

  it('fails with CCB_PROVIDER_TOKEN_FILE_WRITE_FAILED when the directory is gone, leaving nothing behind', async () => {
    const path = join(directory, 'missing', 'tokens.json');
    const error = await caught(writeTokenFile(path, { accessToken: 'sk-ant-oat01-secret' }));
    expect(ProviderError.is(error, 'CCB_PROVIDER_TOKEN_FILE_WRITE_FAILED')).toBe(true);
    expect((error as Error).message).toContain('ENOENT');
    expect((error as Error).message).not.toContain('secret');
  });
});
