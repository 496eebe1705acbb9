import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { isMissing, readError } from './_fs-errors.js';
import { parseDotenv } from './_parse-dotenv.js';
import { ConfigError } from './config-error.js';
import type { Env } from './expand-env.js';
import { configFileNames, findConfigFile } from './find-config-file.js';
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
  const cwd = resolve(options.cwd ?? process.cwd());
  const givenEnv = options.env ?? process.env;
  const cwdDotenv = await readDotenv(join(cwd, '.env'));
  const lookupEnv = withFallbacks(givenEnv, [cwdDotenv]);
  const path = await findConfigFile({ path: options.path, cwd, env: lookupEnv });

  if (path === undefined) {
    if (lookupEnv.ANTHROPIC_API_KEY === undefined || lookupEnv.ANTHROPIC_API_KEY === '') {
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
    return { config: defaultConfig(lookupEnv), path: undefined, env: lookupEnv };
  }

  const configDirectory = dirname(path);
  const configDotenv = configDirectory === cwd ? {} : await readDotenv(join(configDirectory, '.env'));
  const env = withFallbacks(givenEnv, [configDotenv, cwdDotenv]);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw readError(path, error);
  }
  return { config: parseConfig(text, { env, source: path }), path, env };
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

/** A copy of `env` where each fallback, in order, only fills variables that are still unset. */
function withFallbacks(
  env: Env,
  fallbacks: ReadonlyArray<Record<string, string>>,
): Record<string, string | undefined> {
  const merged: Record<string, string | undefined> = { ...env };
  for (const fallback of fallbacks) {
    for (const [name, value] of Object.entries(fallback)) {
      if (merged[name] === undefined) merged[name] = value;
    }
  }
  return merged;
}

/** The variables of an optional `.env` file: `{}` when absent, `CCB_CONFIG_ENV` when malformed. */
async function readDotenv(path: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (isMissing(error)) return {};
    throw readError(path, error);
  }
  const content = parseDotenv(text);
  if (content.problems.length > 0) {
    throw new ConfigError({
      code: 'CCB_CONFIG_ENV',
      source: path,
      issues: content.problems.map((problem) => ({
        path: '',
        message: problem.message,
        line: problem.line,
        column: 1,
      })),
    });
  }
  return content.values;
}
