import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { isMissing, readError } from './_fs-errors.js';
import { parseDotenv } from './_parse-dotenv.js';
import { ConfigError } from './config-error.js';
import type { Env } from './expand-env.js';
import { findConfigFile } from './find-config-file.js';

/** What {@link readConfigSource} found: the file's text and the environment to expand it with. */
export type ConfigSource =
  | {
      readonly path: string;
      readonly text: string;
      /** `options.env`, then `.env` beside the file, then `.env` in `cwd`, each only filling unset names. */
      readonly env: Record<string, string | undefined>;
      /** The `.env` files read (those that exist), absolute, beside the file first. */
      readonly dotenvFiles: readonly string[];
    }
  | {
      readonly path: undefined;
      readonly text: undefined;
      /** `options.env`, then `.env` in `cwd`. */
      readonly env: Record<string, string | undefined>;
      /** The `.env` file read, if `cwd` has one. */
      readonly dotenvFiles: readonly string[];
      /** The folders looked in, for the message when a config is required. */
      readonly cwd: string;
    };

/**
 * Finds the config file ccb would read and reads it with the variables of both `.env` files. Shared by
 * `loadConfig` and `loadConfigSection`, so that both read the same file with the same variables.
 *
 * @throws {ConfigError} `CCB_CONFIG_NOT_FOUND` (a named file is missing), `CCB_CONFIG_READ`, `CCB_CONFIG_ENV`
 *   (a malformed `.env`).
 */
export async function readConfigSource(options: {
  readonly path?: string | undefined;
  readonly cwd?: string | undefined;
  readonly env?: Env | undefined;
}): Promise<ConfigSource> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const givenEnv = options.env ?? process.env;
  const cwdDotenv = await readDotenv(join(cwd, '.env'));
  const lookupEnv = withFallbacks(givenEnv, [cwdDotenv.values]);
  const path = await findConfigFile({ path: options.path, cwd, env: lookupEnv });
  if (path === undefined) {
    return { path, text: undefined, env: lookupEnv, cwd, dotenvFiles: existing([cwdDotenv]) };
  }

  const configDirectory = dirname(path);
  const configDotenv = configDirectory === cwd ? absent : await readDotenv(join(configDirectory, '.env'));
  const env = withFallbacks(givenEnv, [configDotenv.values, cwdDotenv.values]);
  const dotenvFiles = existing([configDotenv, cwdDotenv]);
  try {
    return { path, text: await readFile(path, 'utf8'), env, dotenvFiles };
  } catch (error) {
    throw readError(path, error);
  }
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

/** An optional `.env` file: its path when it exists, and its variables (`{}` when absent). */
interface Dotenv {
  readonly path: string | undefined;
  readonly values: Record<string, string>;
}

const absent: Dotenv = { path: undefined, values: {} };

function existing(dotenvs: readonly Dotenv[]): string[] {
  return dotenvs.flatMap((dotenv) => (dotenv.path === undefined ? [] : [dotenv.path]));
}

/** Reads an optional `.env` file: {@link absent} when there is none, `CCB_CONFIG_ENV` when malformed. */
async function readDotenv(path: string): Promise<Dotenv> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (isMissing(error)) return absent;
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
  return { path, values: content.values };
}
