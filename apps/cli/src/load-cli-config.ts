import { type Config, ConfigError, loadConfig } from '@ccb/config';
import { LedgerError } from '@ccb/ledger';

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

/** A user mistake the CLI reports as a message and exit code 1, never as a stack trace. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

/** Loads the configuration as `ccb serve` would, with command-line overrides applied. */
export async function loadCliConfig(
  path: string | undefined,
  overrides: ServerOverrides = {},
): Promise<{ config: Config; path: string | undefined }> {
  const loaded = await loadConfig({ ...(path !== undefined ? { path } : {}) });
  return { config: applyOverrides(loaded.config, overrides), path: loaded.path };
}

function applyOverrides(config: Config, overrides: ServerOverrides): Config {
  const server = { ...config.server };
  if (overrides.host !== undefined) server.host = overrides.host;
  if (overrides.port !== undefined) {
    const port = Number(overrides.port);
    if (!Number.isInteger(port) || port < 0 || port > 65_535) {
      throw new CliUsageError(`--port must be a whole number from 0 to 65535, got "${overrides.port}"`);
    }
    server.port = port;
  }
  if (overrides.logLevel !== undefined) {
    const level = overrides.logLevel.toLowerCase();
    if (!['trace', 'debug', 'info', 'warn', 'error', 'silent'].includes(level)) {
      throw new CliUsageError(
        `--log-level must be one of trace, debug, info, warn, error, silent; got "${overrides.logLevel}"`,
      );
    }
    server.log_level = level as Config['server']['log_level'];
  }
  if (overrides.logFormat !== undefined) {
    if (!['auto', 'json', 'pretty'].includes(overrides.logFormat)) {
      throw new CliUsageError(`--log-format must be one of auto, json, pretty; got "${overrides.logFormat}"`);
    }
    server.log_format = overrides.logFormat as Config['server']['log_format'];
  }
  return { ...config, server };
}

/**
 * Prints a user mistake, or a ledger problem (every `LedgerError` says what and how to fix it), and exits 1;
 * anything else is a bug and is rethrown.
 */
export function exitOnUserError(error: unknown): never {
  if (ConfigError.is(error) || error instanceof CliUsageError || LedgerError.is(error)) {
    process.stderr.write(`ccb: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
