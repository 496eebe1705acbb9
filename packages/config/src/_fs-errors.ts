import { ConfigError } from './config-error.js';

/** ENOENT, or ENOTDIR when a parent path component is a file: either way nothing is there. */
export function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** Wraps an I/O failure on `path` as `CCB_CONFIG_READ`, keeping the system message and the cause. */
export function readError(path: string, error: unknown): ConfigError {
  const message = error instanceof Error ? error.message : String(error);
  return new ConfigError({
    code: 'CCB_CONFIG_READ',
    source: path,
    issues: [{ path: '', message: `cannot be read: ${message}` }],
    cause: error,
  });
}
