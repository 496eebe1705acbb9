import { buildConfigSection } from './_build-config.js';
import { readConfigSource } from './_read-config-source.js';
import type { LoadConfigOptions } from './load-config.js';
import { type ConfigSectionName, parseConfigSection } from './parse-config-section.js';
import type { Config } from './schema/config-schema.js';

/** What {@link loadConfigSection} resolved. */
export interface LoadedConfigSection<Section extends ConfigSectionName> {
  /** The section, validated, with its defaults, deep-frozen. */
  value: Config[Section];
  /** Absolute path of the file read, or `undefined` when there is none (the section is then all defaults). */
  path: string | undefined;
  /** The environment the section was expanded with: `options.env` plus what the `.env` files added. */
  env: Record<string, string | undefined>;
}

/**
 * Finds and reads the config file as {@link loadConfig} does (same lookup, same `.env` files), but resolves one
 * section only, so a command that needs e.g. `ledger` works while the providers' `${VAR}` secrets are unset.
 * Without a config file the section is all defaults: unlike `loadConfig`, that needs no `ANTHROPIC_API_KEY`.
 *
 * @throws {ConfigError} `CCB_CONFIG_NOT_FOUND` (a named file is missing), `CCB_CONFIG_READ`, `CCB_CONFIG_YAML`,
 *   and `CCB_CONFIG_ENV` or `CCB_CONFIG_INVALID` for problems in that section.
 */
export async function loadConfigSection<Section extends ConfigSectionName>(
  section: Section,
  options: LoadConfigOptions = {},
): Promise<LoadedConfigSection<Section>> {
  const source = await readConfigSource(options);
  const value =
    source.path === undefined
      ? buildConfigSection(section, undefined, {})
      : parseConfigSection(source.text, section, { env: source.env, source: source.path });
  return { value, path: source.path, env: source.env };
}
