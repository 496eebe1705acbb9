import { buildConfig } from './_build-config.js';
import { formatPath } from './_format-path.js';
import { ConfigError } from './config-error.js';
import { type Env, expandEnvInValue } from './expand-env.js';
import type { Config } from './schema/config-schema.js';

/** Options of {@link resolveConfig}. */
export interface ResolveConfigOptions {
  /**
   * Variables for `${VAR}` references. Default `{}`: this function never reads `process.env`, so pass it
   * explicitly when references should see the process environment.
   */
  env?: Env;
}

/**
 * Resolves a plain object (what a YAML file would hold, e.g. from a typed JS config or a test) into a
 * deep-frozen {@link Config}: `${VAR}` expansion in every string value, validation, defaults.
 * A literal `${` is written `$${`.
 *
 * @throws {ConfigError} `CCB_CONFIG_ENV` for unresolvable references, `CCB_CONFIG_INVALID` for schema problems.
 */
export function resolveConfig(input: unknown, options: ResolveConfigOptions = {}): Config {
  const expanded = expandEnvInValue(input, options.env ?? {});
  if (expanded.problems.length > 0) {
    throw new ConfigError({
      code: 'CCB_CONFIG_ENV',
      issues: expanded.problems.map((problem) => ({
        path: formatPath(problem.path),
        message: problem.message,
      })),
    });
  }
  return buildConfig(expanded.value, {});
}
