import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config-error.js';
import { parseConfig } from '../parse-config.js';
import { configSecretFields, configSecrets, redactConfig } from '../redact-config.js';
import { unsendableCharacter } from './_fields.js';

const provider = (extra = '') => `providers:
  - name: primary
    base_url: https://api.anthropic.com
    api_key: \${PROVIDER_KEY}
${extra}`;

/** The issues (`path: message`) of a config that must not parse. */
function issues(text: string, env: Record<string, string> = {}): string[] {
  try {
    parseConfig(text, { env: { PROVIDER_KEY: 'sk-provider-key', ...env }, source: 'ccb.yaml' });
  } catch (error) {
    if (ConfigError.is(error)) return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    throw error;
  }
  throw new Error('expected parseConfig to throw');
}

describe('unsendableCharacter', () => {
  it('names a control character or one beyond Latin-1 and where it is, never the value', () => {
    expect(unsendableCharacter('sk-abc\u0001def')).toMatch(
      /^contains a control character \(U\+0001, character 7\)/,
    );
    expect(unsendableCharacter('sk-abc\u007f')).toMatch(/U\+007F, character 7/);
    expect(unsendableCharacter('sk\u2014key')).toMatch(/^contains a character \(U\+2014, character 3\)/);
    expect(unsendableCharacter('sk-abc\u0001def')).not.toContain('sk-abc');
    expect(unsendableCharacter('sk-ant-api03-AbC_-09 é')).toBeUndefined();
  });

  it('allows a tab only where a header value may hold one', () => {
    expect(unsendableCharacter('a\tb')).toMatch(/U\+0009/);
    expect(unsendableCharacter('a\tb', { allowTab: true })).toBeUndefined();
    expect(unsendableCharacter('a\rb', { allowTab: true })).toMatch(/U\+000D/);
  });
});

describe('secrets in the config', () => {
  it('refuses a control character in any key with its YAML path, and never shows the key', () => {
    const secret = 'sk-secret-value-12345';
    const found = issues(
      `${provider('    headers: { x-custom: "a\\u0007b" }\n')}auth:\n  api_keys:\n    - ok-key-0123456789abc\n    - \${CLIENT}\n  admin_key: \${ADMIN}\n`,
      { PROVIDER_KEY: `${secret}\r`, CLIENT: `${secret}\u001b[0m`, ADMIN: `\t${secret}` },
    );
    expect(found.map((issue) => issue.split(':')[0])).toEqual([
      'providers[0].api_key',
      'providers[0].headers.x-custom',
      'auth.api_keys[1]',
      'auth.admin_key',
    ]);
    expect(found[0]).toContain('U+000D, character 22');
    for (const issue of found) expect(issue).not.toContain(secret);
  });

  it('refuses a repeated client key at its second occurrence, without showing it', () => {
    const found = issues(
      `${provider()}auth:\n  api_keys: [key-one-0123456789, key-two-0123456789, key-one-0123456789]\n`,
    );
    expect(found).toEqual(['auth.api_keys[2]: repeats auth.api_keys[0]; list each client key once']);
  });

  it('takes one admin key or a list of them, always as a list, each a secret with its path', () => {
    const env = { PROVIDER_KEY: 'sk-provider-key', ADMIN: 'admin-key-from-env-0123' };
    const adminKeys = (auth: string) => parseConfig(`${provider()}auth:\n${auth}`, { env }).auth.admin_key;
    expect(adminKeys('  admin_key: ${ADMIN}\n')).toEqual(['admin-key-from-env-0123']);
    expect(adminKeys('  admin_key: ["${ADMIN}", admin-key-two-0123456]\n')).toEqual([
      'admin-key-from-env-0123',
      'admin-key-two-0123456',
    ]);
    expect(adminKeys('  admin_key: []\n')).toEqual([]);
    expect(adminKeys('  api_keys: []\n')).toEqual([]);
    const twoKeys = parseConfig(`${provider()}auth:\n  admin_key: [admin-one-0123456789, "\${ADMIN}"]\n`, {
      env,
    });
    expect(configSecretFields(twoKeys).filter((field) => field.path.startsWith('auth'))).toEqual([
      { path: 'auth.admin_key[0]', value: 'admin-one-0123456789' },
      { path: 'auth.admin_key[1]', value: 'admin-key-from-env-0123' },
    ]);
    expect(redactConfig(twoKeys).auth.admin_key).toEqual(['***', '***']);
    expect(issues(`${provider()}auth:\n  admin_key: [ok-admin-key-0123456, ""]\n`)).toEqual([
      'auth.admin_key[1]: must not be empty',
    ]);
    expect(issues(`${provider()}auth:\n  admin_key: 42\n`)).toEqual([
      'auth.admin_key: expected a string or a list, got number 42',
    ]);
  });

  it('refuses a repeated admin key, and an admin key that is also a client key, without showing either', () => {
    const key = 'shared-key-0123456789';
    expect(issues(`${provider()}auth:\n  admin_key: [${key}, other-key-0123456789, ${key}]\n`)).toEqual([
      'auth.admin_key[2]: repeats auth.admin_key[0]; list each admin key once',
    ]);
    expect(
      issues(`${provider()}auth:\n  api_keys: [client-0123456789abc, ${key}]\n  admin_key: ${key}\n`),
    ).toEqual(['auth.admin_key: is also auth.api_keys[1]; an admin key must differ from every client key']);
    expect(
      issues(`${provider()}auth:\n  api_keys: [${key}]\n  admin_key: [admin-0123456789abcd, ${key}]\n`),
    ).toEqual([
      'auth.admin_key[1]: is also auth.api_keys[0]; an admin key must differ from every client key',
    ]);
  });

  it('takes a fingerprint secret of 32 characters or more, and redacts it like the other secrets', () => {
    expect(issues(`${provider()}auth:\n  fingerprint_secret: too-short\n`)).toEqual([
      'auth.fingerprint_secret: must be at least 32 characters: use random bytes, e.g. `openssl rand -hex 32`',
    ]);
    const config = parseConfig(`${provider()}auth:\n  fingerprint_secret: \${FP}\n`, {
      env: { PROVIDER_KEY: 'sk-provider-key', FP: 'f'.repeat(64) },
    });
    expect(config.auth.fingerprint_secret).toBe('f'.repeat(64));
    expect(redactConfig(config).auth.fingerprint_secret).toBe('***');
    expect(configSecrets(config)).toContain('f'.repeat(64));
  });
});

describe('durations that cannot be 0', () => {
  it('refuses 0 where it means nothing, saying what to write instead', () => {
    const found = issues(
      `${provider()}routing:\n  affinity: { ttl: 0 }\nhealth:\n  half_open_trial_timeout: 0s\n  probe: { interval: 0, timeout: "0ms" }\nledger:\n  batch_interval: 0\n  retention: 0d\n`,
    );
    expect(found).toEqual([
      'routing.affinity.ttl: must be more than 0 (got 0): set routing.affinity.enabled: false to turn session affinity off',
      'health.half_open_trial_timeout: must be more than 0 (got "0s"): a trial request needs time to report its outcome',
      'health.probe.interval: must be more than 0 (got 0): set health.probe.enabled: false to stop probing',
      'health.probe.timeout: must be more than 0 (got "0ms"): a probe needs time to answer',
      'ledger.batch_interval: must be more than 0 (got 0): rows are written in batches at this interval, off the request path',
      'ledger.retention: must be more than 0 (got "0d"): set ledger.enabled: false to keep no ledger',
    ]);
  });

  it('accepts 0 where it turns a bound off, as documented', () => {
    const config = parseConfig(
      `${provider('    timeouts: { connect: 0, first_byte: 0, stream_idle: 0 }\n')}server:\n  shutdown_grace: 0\nrouting:\n  first_content_timeout: 0\nhealth:\n  cooldown: 0\n  auth_failure_cooldown: 0\n`,
      { env: { PROVIDER_KEY: 'sk-provider-key' } },
    );
    expect(config.providers[0]?.timeouts).toEqual({ connect: 0, first_byte: 0, stream_idle: 0 });
    expect(config.server.shutdown_grace).toBe(0);
    expect(config.routing.first_content_timeout).toBe(0);
    expect(config.health.cooldown).toBe(0);
  });
});
