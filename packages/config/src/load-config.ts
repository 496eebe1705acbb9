import { dirname, join, resolve } from 'node:path';
import { readConfigSource } from './_read-config-source.js';
import { ConfigError } from './config-error.js';
import type { Env } from './expand-env.js';
import { configFileNames } from './find-config-file.js';
import { parseConfig } from './parse-config.js';
import { resolveConfig } from './resolve-config.js';
import type { Config } from './schema/config-schema.js';

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** An explicit config file, relative to `cwd`; it must exist. Default: look it up (see {@link loadConfig}). */
  path?: string;
  /** Working directory for lookup, relative paths and the second `.env`. Default `process.cwd()`. */
  cwd?: string;
  /** The environment; never mutated. Default `process.env` (the only place this package reads it). */
  env?: Env;
}

/** What {@link loadConfig} resolved. */
export interface LoadedConfig {
  config: Config;
  /** Absolute path of the file read, or `undefined` for the built-in default config. */
  path: string | undefined;
  /** The environment the config was expanded with: `options.env` plus what the `.env` files added. */
  env: Record<string, string | undefined>;
  /**
   * Absolute paths of the files this configuration depends on, for a watcher: the config file, each `.env` read
   * (beside the config file, then in `cwd`; only those that exist), and `pricing.file` resolved against the config
   * file's folder when set. Without a config file: the `cwd`
   * `.env` if there is one.
   */
  files: string[];
}

/**
 * Finds, reads and resolves the config. Lookup: `options.path`, else `env.CCB_CONFIG`, else `<cwd>/ccb.yaml`,
 * else `<cwd>/config.yaml`. Variables come from `options.env`, then a `.env` beside the config file, then a
 * `.env` in `cwd` (both optional; a `.env` never overrides a variable that is already set).
 * With no file found but `ANTHROPIC_API_KEY` set (in the env or `<cwd>/.env`), resolves to the default
 * config: one provider `anthropic` at https://api.anthropic.com using that key, everything else default.
 *
 * @throws {ConfigError} `CCB_CONFIG_NOT_FOUND`, `CCB_CONFIG_READ`, or whatever {@link parseConfig} throws.
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const source = await readConfigSource(options);
  if (source.path === undefined) {
    const { env, cwd } = source;
    if (env.ANTHROPIC_API_KEY === undefined || env.ANTHROPIC_API_KEY === '') {
      const lookedFor = configFileNames.map((name) => join(cwd, name)).join(', ');
      throw new ConfigError({
        code: 'CCB_CONFIG_NOT_FOUND',
        issues: [
          {
            path: '',
            message: `no config file found (looked for ${lookedFor}); run \`ccb init\` to create one, or set ANTHROPIC_API_KEY to proxy to https://api.anthropic.com with defaults`,
          },
        ],
      });
    }
    return { config: defaultConfig(env), path: undefined, env, files: [...source.dotenvFiles] };
  }
  const config = parseConfig(source.text, { env: source.env, source: source.path });
  const priceFile = config.pricing.file;
  return {
    config,
    path: source.path,
    env: source.env,
    files: [
      source.path,
      ...source.dotenvFiles,
      // Relative to the config file, as the CLI reads it.
      ...(priceFile === undefined ? [] : [resolve(dirname(source.path), priceFile)]),
    ],
  };
}

function defaultConfig(env: Env): Config {
  return resolveConfig(
    {
      providers: [
        { name: 'anthropic', base_url: 'https://api.anthropic.com', api_key: '${ANTHROPIC_API_KEY}' },
      ],
    },
    { env },
  );
}
