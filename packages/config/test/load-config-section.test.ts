import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config-error.js';
import { loadConfig } from '../src/load-config.js';
import { loadConfigSection } from '../src/load-config-section.js';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ccb-config-section-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function write(name: string, text: string): Promise<string> {
  const path = join(root, name);
  await writeFile(path, text);
  return path;
}

async function failure(promise: Promise<unknown>): Promise<ConfigError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!ConfigError.is(error)) throw new Error(`expected a ConfigError, got ${String(error)}`);
  return error;
}

const withSecrets = [
  'auth: { api_keys: ["${CCB_API_KEY}"] }',
  'ledger:',
  '  path: ${LEDGER_DIR:-data}/usage.sqlite',
  '  retention: 7d',
  'providers:',
  '  - name: anthropic',
  '    base_url: https://api.anthropic.com',
  '    api_key: ${ANTHROPIC_API_KEY}',
].join('\n');

describe('loadConfigSection', () => {
  it('resolves the ledger section while the providers’ secrets are unset, where loadConfig cannot', async () => {
    await write('ccb.yaml', withSecrets);
    const whole = await failure(loadConfig({ cwd: root, env: {} }));
    expect(whole.code).toBe('CCB_CONFIG_ENV');
    const loaded = await loadConfigSection('ledger', { cwd: root, env: {} });
    expect(loaded.value).toEqual({
      enabled: true,
      path: 'data/usage.sqlite',
      batch_interval: 1000,
      retention: 7 * 86_400_000,
    });
    expect(loaded.path).toBe(join(root, 'ccb.yaml'));
    expect(Object.isFrozen(loaded.value)).toBe(true);
  });

  it('expands the section with the variables of the .env beside the config', async () => {
    await write('ccb.yaml', withSecrets);
    await write('.env', 'LEDGER_DIR=/var/lib/ccb\n');
    const loaded = await loadConfigSection('ledger', { cwd: root, env: {} });
    expect(loaded.value.path).toBe('/var/lib/ccb/usage.sqlite');
  });

  it('reports an unset variable in the section with its path and position', async () => {
    await write('ccb.yaml', 'ledger:\n  path: ${LEDGER_FILE}\nproviders: []\n');
    const error = await failure(loadConfigSection('ledger', { cwd: root, env: {} }));
    expect(error.code).toBe('CCB_CONFIG_ENV');
    expect(error.issues).toEqual([
      expect.objectContaining({
        path: 'ledger.path',
        line: 2,
        column: 9,
        message: expect.stringContaining('LEDGER_FILE'),
      }),
    ]);
  });

  it('validates the section and locates its mistakes, but not the other sections', async () => {
    await write('ccb.yaml', 'server: { port: many }\nledger:\n  retension: 7d\n');
    const error = await failure(loadConfigSection('ledger', { cwd: root, env: {} }));
    expect(error.code).toBe('CCB_CONFIG_INVALID');
    expect(error.issues).toEqual([
      expect.objectContaining({
        path: 'ledger.retension',
        line: 3,
        column: 3,
        message: expect.stringContaining('retention'),
      }),
    ]);
  });

  it('gives the defaults without a config file, needing no ANTHROPIC_API_KEY', async () => {
    const loaded = await loadConfigSection('ledger', { cwd: root, env: {} });
    expect(loaded).toMatchObject({ path: undefined, value: { enabled: true, path: 'ccb-ledger.sqlite' } });
  });

  it('still fails for a named file that does not exist, and for YAML that does not parse', async () => {
    expect((await failure(loadConfigSection('ledger', { cwd: root, path: 'missing.yaml' }))).code).toBe(
      'CCB_CONFIG_NOT_FOUND',
    );
    await write('ccb.yaml', 'ledger: { path: [unclosed\n');
    expect((await failure(loadConfigSection('ledger', { cwd: root, env: {} }))).code).toBe('CCB_CONFIG_YAML');
  });
});
