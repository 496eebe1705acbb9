import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '@ccb/config';
import { createKeyFingerprint } from '@ccb/proxy';
import { afterEach, describe, expect, it } from 'vitest';
import { fingerprintKeyFileName, loadFingerprintSecret, readOrCreateKeyFile } from './fingerprint-secret.js';

const dirs: string[] = [];
function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ccb-fingerprint-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const providers = [{ name: 'a', base_url: 'https://a.example', api_key: 'k' }];
const withKeys = (extra: Record<string, unknown> = {}) =>
  resolveConfig({ auth: { api_keys: ['client-key-0123456789'] }, providers, ...extra });

describe('loadFingerprintSecret', () => {
  it('creates the key file once beside the ledger, 32 random bytes with mode 0600, and reuses it', () => {
    const dir = folder();
    const config = withKeys({ ledger: { path: 'data/ledger.sqlite' } });
    const first = loadFingerprintSecret(config, dir);
    const path = join(dir, 'data', fingerprintKeyFileName);
    expect(first).toMatchObject({ source: 'file', path, created: true });
    expect(first.secret).toHaveLength(32);
    expect(readFileSync(path, 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const second = loadFingerprintSecret(config, dir);
    expect(second).toMatchObject({ source: 'file', path });
    expect(second.created).toBeUndefined();
    expect(second.secret).toEqual(first.secret);
    // The same fingerprints across starts: what the ledger and budgets rely on.
    expect(createKeyFingerprint(second.secret)('k')).toBe(createKeyFingerprint(first.secret)('k'));
    expect(readdirSync(join(dir, 'data'))).toEqual([fingerprintKeyFileName]);
  });

  it('takes auth.fingerprint_secret first, and writes nothing', () => {
    const dir = folder();
    const secret = 's'.repeat(40);
    expect(
      loadFingerprintSecret(withKeys({ auth: { api_keys: ['k'], fingerprint_secret: secret } }), dir),
    ).toEqual({
      secret,
      source: 'config',
    });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('is random per process when the ledger is off or in memory, or when no client key needs lasting fingerprints', () => {
    const dir = folder();
    for (const config of [
      withKeys({ ledger: { enabled: false } }),
      withKeys({ ledger: { path: ':memory:' } }),
      resolveConfig({ providers }),
      resolveConfig({ auth: { admin_key: 'admin-key-0123456789' }, providers }),
    ]) {
      const first = loadFingerprintSecret(config, dir);
      expect(first.source).toBe('process');
      expect(loadFingerprintSecret(config, dir).secret).not.toEqual(first.secret);
    }
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('readOrCreateKeyFile', () => {
  it('reads the key an earlier start or another process wrote, never replacing it', () => {
    const path = join(folder(), fingerprintKeyFileName);
    const winner = readOrCreateKeyFile(path);
    const loser = readOrCreateKeyFile(path);
    expect(loser.secret).toEqual(winner.secret);
  });

  it('refuses a file that is not a key, and warns when others can read it', () => {
    const path = join(folder(), fingerprintKeyFileName);
    writeFileSync(path, 'not a key\n');
    expect(() => readOrCreateKeyFile(path)).toThrow(`${path} is not a fingerprint key (64 hex digits)`);
    writeFileSync(path, `${'ab'.repeat(32)}\n`);
    chmodSync(path, 0o644);
    expect(readOrCreateKeyFile(path).warning).toBe(
      `${path} can be read by other users (mode 0644); with it, short client keys could be guessed from their fingerprints: chmod 600 ${path}`,
    );
  });
});
