import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { isMissing, readError } from './_fs-errors.js';
import { ConfigError } from './config-error.js';
import type { Env } from './expand-env.js';

/** File names looked for in the working directory, in order, when no path is given. */
export const configFileNames = ['ccb.yaml', 'config.yaml'] as const;

/** Options of {@link findConfigFile}. */
export interface FindConfigFileOptions {
  /** An explicit config file (relative to `cwd`); it must exist. */
  path?: string;
  /** Directory relative paths resolve against and candidates are looked for in. Default `process.cwd()`. */
  cwd?: string;
  /** Where `CCB_CONFIG` is read from. Default `process.env`. */
  env?: Env;
}

/**
 * Decides which config file ccb reads: `options.path`, else `env.CCB_CONFIG`, else the first of
 * `<cwd>/ccb.yaml`, `<cwd>/config.yaml` that exists. Resolves to an absolute path, or `undefined` when no
 * candidate exists and none was named.
 *
 * @throws {ConfigError} `CCB_CONFIG_NOT_FOUND` when a named file does not exist; `CCB_CONFIG_READ` when a
 *   path exists but is not a readable file.
 */
export async function findConfigFile(options: FindConfigFileOptions = {}): Promise<string | undefined> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const env = options.env ?? process.env;
  const named =
    options.path !== undefined
      ? { path: resolve(cwd, options.path), origin: '' }
      : env.CCB_CONFIG !== undefined && env.CCB_CONFIG !== ''
        ? { path: resolve(cwd, env.CCB_CONFIG), origin: ' (from CCB_CONFIG)' }
        : undefined;
  if (named !== undefined) {
    if (await isFile(named.path)) return named.path;
    throw new ConfigError({
      code: 'CCB_CONFIG_NOT_FOUND',
      issues: [{ path: '', message: `config file ${named.path}${named.origin} does not exist` }],
    });
  }
  for (const name of configFileNames) {
    const candidate = resolve(cwd, name);
    if (await isFile(candidate)) return candidate;
  }
  return undefined;
}

/** False only when nothing is there; anything else that is not a readable regular file is an error. */
async function isFile(path: string): Promise<boolean> {
  try {
    const stats = await stat(path);
    if (stats.isFile()) return true;
    throw new ConfigError({
      code: 'CCB_CONFIG_READ',
      source: path,
      issues: [
        {
          path: '',
          message: stats.isDirectory()
            ? 'is a folder, not a config file; name the YAML file itself (e.g. <folder>/ccb.yaml)'
            : 'is not a regular file; name a YAML config file',
        },
      ],
    });
  } catch (error) {
    if (ConfigError.is(error)) throw error;
    if (isMissing(error)) return false;
    throw readError(path, error);
  }
}
