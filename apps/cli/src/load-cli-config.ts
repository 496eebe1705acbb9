import { type Config, loadConfig } from '@ccb/config';
import { checkFlagValue, parsePortFlag } from './flag-values.js';

/** Flags every command that reads the configuration accepts. */
export const configArgs = {
  config: {
    type: 'string',
    alias: 'c',
    description: 'Config file (default: $CCB_CONFIG, ./ccb.yaml, ./config.yaml)',
  },
} as const;

/** Overrides of `server:` given on the command line. */
export interface ServerOverrides {
  readonly host?: string | undefined;
  readonly port?: string | undefined;
  readonly logLevel?: string | undefined;
  readonly logFormat?: string | undefined;
}

/** Loads the configuration as `ccb serve` would, with command-line overrides applied. */
export async function loadCliConfig(
  path: string | undefined,
  overrides: ServerOverrides = {},
): Promise<{ config: Config; path: string | undefined; files: readonly string[] }> {
  const loaded = await loadConfig({ ...(path !== undefined ? { path } : {}) });
  return { config: applyOverrides(loaded.config, overrides), path: loaded.path, files: loaded.files };
}

/** Applies the `server:` flags; their values are checked by {@link checkFlagValue}, as on the command line. */
function applyOverrides(config: Config, overrides: ServerOverrides): Config {
  const server = { ...config.server };
  if (overrides.host !== undefined) server.host = overrides.host;
  if (overrides.port !== undefined) server.port = parsePortFlag(overrides.port);
  if (overrides.logLevel !== undefined) {
    checkFlagValue('log-level', overrides.logLevel);
    server.log_level = overrides.logLevel.toLowerCase() as Config['server']['log_level'];
  }
  if (overrides.logFormat !== undefined) {
    checkFlagValue('log-format', overrides.logFormat);
    server.log_format = overrides.logFormat as Config['server']['log_format'];
  }
  return { ...config, server };
}
