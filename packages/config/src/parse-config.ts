import { buildConfig } from './_build-config.js';
import { expandEnvInDocument, locateNode, parseYamlSource, positionOf } from './_yaml-document.js';
import { ConfigError } from './config-error.js';
import type { Env } from './expand-env.js';
import type { Config } from './schema/config-schema.js';

/** Options of {@link parseConfig}. */
export interface ParseConfigOptions {
  /** Variables for `${VAR}` references. Default `{}`: this function never reads `process.env`. */
  env?: Env;
  /** The file the text came from; prefixes every issue (`ccb.yaml:3:5 …`) and becomes `ConfigError.source`. */
  source?: string;
}

/**
 * Parses YAML config text into a deep-frozen {@link Config}: YAML → `${VAR}` expansion → validation →
 * defaults. Every issue carries its YAML path and, where the node exists, its line and column.
 *
 * @throws {ConfigError} `CCB_CONFIG_YAML` (syntax, duplicate keys), `CCB_CONFIG_ENV` (unset variables),
 *   `CCB_CONFIG_INVALID` (schema problems); each lists every problem found at that stage.
 */
export function parseConfig(text: string, options: ParseConfigOptions = {}): Config {
  const { source } = options;
  const yaml = parseYamlSource(text, source);
  const envIssues = expandEnvInDocument(yaml, options.env ?? {});
  if (envIssues.length > 0) throw new ConfigError({ code: 'CCB_CONFIG_ENV', issues: envIssues, source });
  let data: unknown;
  try {
    data = yaml.document.toJS();
  } catch (error) {
    // toJS refuses documents whose aliases expand excessively (a "billion laughs" guard).
    const message = error instanceof Error ? error.message : String(error);
    throw new ConfigError({ code: 'CCB_CONFIG_YAML', issues: [{ path: '', message }], source, cause: error });
  }
  return buildConfig(data, {
    source,
    locate: (path, pointAtKey) => {
      const node = locateNode(yaml, path, pointAtKey);
      return node === undefined ? undefined : positionOf(yaml, node);
    },
  });
}
