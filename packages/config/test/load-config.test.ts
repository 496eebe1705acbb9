import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config-error.js';
import { findConfigFile } from '../src/find-config-file.js';
import { loadConfig } from '../src/load-config.js';

/** A config whose one provider's api_key and host come from variables, so tests can see where they resolved. */
const configText = (name: string) =>
  `server:\n  host: \${HOST:-127.0.0.1}\nproviders:\n  - name: ${name}\n    base_url: https://a.example\n    api_key: \${KEY}\n`;

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ccb-config-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function write(relativePath: string, text: string): Promise<string> {
  const path = join(root, relativePath);
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, text);
  return path;
}

async function loadError(options: Parameters<typeof loadConfig>[0]): Promise<ConfigError> {
  const error = await loadConfig(options).then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!ConfigError.is(error)) throw new Error(`expected a ConfigError, got ${String(error)}`);
  return error;
}

describe('loadConfig lookup order', () => {
  it('prefers options.path, then CCB_CONFIG, then ccb.yaml, then config.yaml', async () => {
    await write('ccb.yaml', configText('from-ccb-yaml'));
    await write('config.yaml', configText('from-config-yaml'));
    await write('elsewhere/env.yaml', configText('from-env-var'));
    const explicit = await write('explicit.yaml', configText('from-path'));
    const env = { KEY: 'k', CCB_CONFIG: 'elsewhere/env.yaml' };
    const nameOf = async (options: Parameters<typeof loadConfig>[0]) =>
      (await loadConfig(options)).config.providers[0]?.name;

    expect(await nameOf({ cwd: root, env, path: 'explicit.yaml' })).toBe('from-path');
    expect(await nameOf({ cwd: root, env })).toBe('from-env-var');
    expect(await nameOf({ cwd: root, env: { KEY: 'k' } })).toBe('from-ccb-yaml');
    await rm(join(root, 'ccb.yaml'));
    expect(await nameOf({ cwd: root, env: { KEY: 'k' } })).toBe('from-config-yaml');
    expect((await loadConfig({ cwd: root, env: { KEY: 'k' }, path: explicit })).path).toBe(explicit);
  });

  it('returns the absolute path read', async () => {
    const path = await write('ccb.yaml', configText('p'));
    expect((await loadConfig({ cwd: root, env: { KEY: 'k' } })).path).toBe(path);
    expect(await findConfigFile({ cwd: root, env: {} })).toBe(path);
  });

  it('fails when a named file does not exist instead of falling back', async () => {
    await write('ccb.yaml', configText('p'));
    const fromPath = await loadError({ cwd: root, env: { KEY: 'k' }, path: 'missing.yaml' });
    expect(fromPath.code).toBe('CCB_CONFIG_NOT_FOUND');
    expect(fromPath.message).toBe(`config file ${join(root, 'missing.yaml')} does not exist`);
    const fromEnv = await loadError({ cwd: root, env: { KEY: 'k', CCB_CONFIG: 'gone.yaml' } });
    expect(fromEnv.message).toBe(`config file ${join(root, 'gone.yaml')} (from CCB_CONFIG) does not exist`);
  });

  it('says which files it looked for and suggests ccb init when none exists', async () => {
    const error = await loadError({ cwd: root, env: {} });
    expect(error.code).toBe('CCB_CONFIG_NOT_FOUND');
    expect(error.message).toContain(join(root, 'ccb.yaml'));
    expect(error.message).toContain(join(root, 'config.yaml'));
    expect(error.message).toContain('ccb init');
    expect(await findConfigFile({ cwd: root, env: {} })).toBeUndefined();
  });

  it('reports a path that is not a readable file as a read error', async () => {
    await mkdir(join(root, 'ccb.yaml'));
    const error = await loadError({ cwd: root, env: {} });
    expect(error.code).toBe('CCB_CONFIG_READ');
    expect(error.source).toBe(join(root, 'ccb.yaml'));
    expect(error.message).toContain('is a folder, not a config file');
  });

  it('locates parse errors in the file it read', async () => {
    const path = await write('ccb.yaml', 'routing:\n  stratgy: weighted\n');
    const error = await loadError({ cwd: root, env: {} });
    expect(error.code).toBe('CCB_CONFIG_INVALID');
    expect(error.source).toBe(path);
    expect(error.message.split('\n')).toContain(
      `${path}:2:3 routing.stratgy: unknown key, did you mean strategy?`,
    );
  });
});

describe('loadConfig default config', () => {
  it('proxies to Anthropic with defaults when no file exists but ANTHROPIC_API_KEY is set', async () => {
    const loaded = await loadConfig({ cwd: root, env: { ANTHROPIC_API_KEY: 'sk-default' } });
    expect(loaded.path).toBeUndefined();
    expect(loaded.config.providers).toEqual([
      expect.objectContaining({
        name: 'anthropic',
        base_url: 'https://api.anthropic.com',
        auth_type: 'api_key',
        api_key: 'sk-default',
      }),
    ]);
    expect(loaded.config.server.port).toBe(8000);
  });

  it('takes ANTHROPIC_API_KEY from a .env in the working directory', async () => {
    await write('.env', 'ANTHROPIC_API_KEY=sk-dotenv\n');
    const loaded = await loadConfig({ cwd: root, env: {} });
    expect(loaded.config.providers[0]?.api_key).toBe('sk-dotenv');
    expect(loaded.env.ANTHROPIC_API_KEY).toBe('sk-dotenv');
  });

  it('treats an empty ANTHROPIC_API_KEY as unset', async () => {
    expect((await loadError({ cwd: root, env: { ANTHROPIC_API_KEY: '' } })).code).toBe(
      'CCB_CONFIG_NOT_FOUND',
    );
  });
});

describe('loadConfig .env files', () => {
  it('reads .env beside the config before the one in the working directory', async () => {
    await write('conf/ccb.yaml', configText('p'));
    await write('conf/.env', 'KEY=from-config-dir\n');
    await write('.env', 'KEY=from-cwd\nHOST=0.0.0.0\n');
    const loaded = await loadConfig({ cwd: root, env: {}, path: 'conf/ccb.yaml' });
    expect(loaded.config.providers[0]?.api_key).toBe('from-config-dir');
    expect(loaded.config.server.host).toBe('0.0.0.0');
    expect(loaded.env).toEqual({ KEY: 'from-config-dir', HOST: '0.0.0.0' });
  });

  it('never overrides a variable that is already set, even to an empty value', async () => {
    await write('ccb.yaml', configText('p'));
    await write('.env', 'KEY=from-dotenv\nHOST=0.0.0.0\n');
    const env = { KEY: 'from-env', HOST: '' };
    const loaded = await loadConfig({ cwd: root, env });
    expect(loaded.config.providers[0]?.api_key).toBe('from-env');
    expect(loaded.config.server.host).toBe('127.0.0.1');
    expect(loaded.env).toEqual({ KEY: 'from-env', HOST: '' });
  });

  it('does not mutate the given env', async () => {
    await write('ccb.yaml', configText('p'));
    await write('.env', 'KEY=from-dotenv\n');
    const env: Record<string, string | undefined> = {};
    const loaded = await loadConfig({ cwd: root, env });
    expect(env).toEqual({});
    expect(loaded.env).not.toBe(env);
  });

  it('reports a malformed .env line with its file and line', async () => {
    await write('ccb.yaml', configText('p'));
    const dotenv = await write('.env', 'KEY=ok\nthis is not an assignment\n');
    const error = await loadError({ cwd: root, env: {} });
    expect(error.code).toBe('CCB_CONFIG_ENV');
    expect(error.message).toBe(`${dotenv}:2:1: expected KEY=VALUE`);
  });

  it('still reports variables that no source sets', async () => {
    const path = await write('ccb.yaml', configText('p'));
    const error = await loadError({ cwd: root, env: {} });
    expect(error.code).toBe('CCB_CONFIG_ENV');
    expect(error.message).toBe(
      `${path}:6:14 providers[0].api_key: environment variable KEY is not set (use \${KEY:-default} for a default)`,
    );
  });
});

describe('loadConfig files', () => {
  it('lists the config file and the .env files that exist, beside the config first', async () => {
    const config = await write('conf/ccb.yaml', configText('p'));
    const besideConfig = await write('conf/.env', 'KEY=from-config-dir\n');
    const inCwd = await write('.env', 'HOST=127.0.0.2\n');
    expect((await loadConfig({ cwd: root, env: {}, path: 'conf/ccb.yaml' })).files).toEqual([
      config,
      besideConfig,
      inCwd,
    ]);
    await rm(besideConfig);
    expect((await loadConfig({ cwd: root, env: { KEY: 'k' }, path: 'conf/ccb.yaml' })).files).toEqual([
      config,
      inCwd,
    ]);
    await rm(inCwd);
    expect((await loadConfig({ cwd: root, env: { KEY: 'k' }, path: 'conf/ccb.yaml' })).files).toEqual([
      config,
    ]);
  });

  it('lists a .env shared by the config folder and the working directory once', async () => {
    const config = await write('ccb.yaml', configText('p'));
    const dotenv = await write('.env', 'KEY=k\n');
    expect((await loadConfig({ cwd: root, env: {} })).files).toEqual([config, dotenv]);
  });

  it('adds pricing.file resolved against the config folder, whether or not it exists yet', async () => {
    const config = await write('conf/ccb.yaml', `${configText('p')}pricing:\n  file: \${PRICES}\n`);
    const load = (prices: string) =>
      loadConfig({ cwd: root, env: { KEY: 'k', PRICES: prices }, path: 'conf/ccb.yaml' });
    expect((await load('prices/table.yaml')).files).toEqual([
      config,
      join(root, 'conf', 'prices', 'table.yaml'),
    ]);
    expect((await load('/etc/ccb/prices.json')).files).toEqual([config, '/etc/ccb/prices.json']);
  });

  it('lists only the working directory .env for the default config', async () => {
    expect((await loadConfig({ cwd: root, env: { ANTHROPIC_API_KEY: 'sk-default' } })).files).toEqual([]);
    const dotenv = await write('.env', 'ANTHROPIC_API_KEY=sk-dotenv\n');
    expect((await loadConfig({ cwd: root, env: {} })).files).toEqual([dotenv]);
  });
});
