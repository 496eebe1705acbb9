import { buildConfigSection } from './_build-config.js';
import { expandEnvInDocument, locateNode, parseYamlSource, positionOf } from './_yaml-document.js';
import { ConfigError } from './config-error.js';
import type { ParseConfigOptions } from './parse-config.js';
import type { Config } from './schema/config-schema.js';

/** A top-level section of the config: `server`, `auth`, `routing`, `health`, `ledger`, `pricing`, `budgets`, `providers`. */
export type ConfigSectionName = keyof Config;

/**
 * Parses one section of YAML config text, with its defaults, and nothing else: `${VAR}` references elsewhere
 * are neither expanded nor required, and other sections are not validated. For commands that need one part of
 * the config, such as `ccb usage` reading `ledger` without the providers' secrets. The YAML must still be
 * well-formed, and problems in the section are reported with their line and column as {@link parseConfig} does.
 *
 * @throws {ConfigError} `CCB_CONFIG_YAML`, `CCB_CONFIG_ENV` (in the section), `CCB_CONFIG_INVALID` (in the section).
 */
export function parseConfigSection<Section extends ConfigSectionName>(
  text: string,
  section: Section,
  options: ParseConfigOptions = {},
): Config[Section] {
  const { source } = options;
  const yaml = parseYamlSource(text, source);
  const envIssues = expandEnvInDocument(yaml, options.env ?? {}, section);
  if (envIssues.length > 0) throw new ConfigError({ code: 'CCB_CONFIG_ENV', issues: envIssues, source });
  let data: unknown;
  try {
    data = yaml.document.toJS();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ConfigError({ code: 'CCB_CONFIG_YAML', issues: [{ path: '', message }], source, cause: error });
  }
  const value =
    typeof data === 'object' && data !== null ? (data as Record<string, unknown>)[section] : undefined;
  return buildConfigSection(section, value, {
    source,
    locate: (path, pointAtKey) => {
      const node = locateNode(yaml, path, pointAtKey);
      return node === undefined ? undefined : positionOf(yaml, node);
    },
  });
}
